"""A new member's first week: she finishes new-user tasks (profile, check-in), collects their points, redeems
a coupon in the points mall, uses it at checkout and pays in the sandbox; the order ships, she confirms
receipt (its purchase points are credited), then a refund-only request is refunded by an operator and the
purchase points are clawed back.

The shopper's phone uses real pages only. The warehouse and the customer-service desk are the operator's
side: they run through the same services the admin calls (shipping, after-sales approval and refund).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal

import pytest
from django.utils import timezone

from shequ.catalog.testing import make_product
from shequ.coupons.models import CouponTemplate, IssuedCoupon, IssuedStatus
from shequ.logistics.testing import make_carrier
from shequ.loyalty.selectors import points_balance
from shequ.orders.models import Order

pytestmark = pytest.mark.browser

PASSWORD = "Jifen-Xiao-88"
ADDRESS = {
    "recipient": "周小禾",
    "province": "上海市",
    "city": "上海市",
    "district": "静安区",
    "detail": "南京西路 1 号",
}


def path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


@pytest.fixture
def shop(transactional_db, make_user):
    from shequ.accounts.services.addresses import AddressData, address_create
    from shequ.campaigns.models import MallItem, OnboardingTask
    from shequ.campaigns.services.onboarding import onboarding_tasks_ensure
    from shequ.loyalty.rules import rules_ensure

    rules_ensure()
    onboarding_tasks_ensure()  # the data migration's rows are gone once an earlier live-server test flushed
    make_product("龙井新茶", slug="longjing", skus=[{"code": "LJ-1", "list_price": "60.00", "stock": 10}])
    make_carrier("yto", rates=[{"first_fee": Decimal("8.00")}], position=1)
    template = CouponTemplate.objects.create(
        code="mall-10", name="满50减10", kind="threshold", amount=Decimal("10"), min_spend=Decimal("50"), valid_days=30
    )
    OnboardingTask.objects.filter(code="complete_profile").update(points=20)
    OnboardingTask.objects.filter(code="first_checkin").update(points=10)
    item = MallItem.objects.create(
        kind="coupon", title="满50减10券", points_cost=30, stock=10, coupon_template=template
    )
    shopper = make_user(nickname="小禾", password=PASSWORD)
    address_create(user=shopper, data=AddressData(phone=shopper.phone.removeprefix("+86"), **ADDRESS))
    return {"shopper": shopper, "item": item}


def test_tasks_checkin_mall_coupon_checkout_and_refund_clawback(page, expect, live_server, shop):
    shopper = shop["shopper"]

    # --- log in and open the new-user tasks --------------------------------------------------------------
    page.goto("/accounts/login/?method=password&next=/campaigns/tasks/")
    page.locator("input[name=phone]").fill(shopper.phone.removeprefix("+86"))
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(path_is("/campaigns/tasks/"))
    expect(page.get_by_test_id("task-claim")).to_have_count(0)

    # --- complete the profile (birthday, gender, bio) ----------------------------------------------------
    page.goto("/accounts/me/profile/")
    page.locator("textarea[name=bio]").fill("喜欢喝绿茶")
    page.locator("input[name=birthday]").fill("1996-04-12")
    page.locator("select[name=gender]").select_option("female")
    page.get_by_test_id("profile-save").click()
    expect(page).to_have_url(path_is("/accounts/me/"))  # saved (and the task noticed) before we move on
    expect(page.get_by_test_id("menu-points")).to_be_visible()  # the Me page links the loyalty pages

    # --- the first check-in ------------------------------------------------------------------------------
    page.goto("/loyalty/checkin/")
    page.get_by_test_id("checkin-button").click()
    expect(page.get_by_test_id("checkin-done")).to_be_visible()
    after_checkin = points_balance(user_id=shopper.pk)

    # --- collect both rewards (HTMX), and a second collect is refused ------------------------------------
    page.goto("/campaigns/tasks/")
    expect(page.get_by_test_id("task-claim")).to_have_count(2)
    page.get_by_test_id("task-complete_profile").get_by_test_id("task-claim").click()
    expect(page.get_by_test_id("task-complete_profile").get_by_test_id("task-claimed")).to_be_visible()
    page.get_by_test_id("task-first_checkin").get_by_test_id("task-claim").click()
    expect(page.get_by_test_id("task-first_checkin").get_by_test_id("task-claimed")).to_be_visible()
    assert points_balance(user_id=shopper.pk) == after_checkin + 30

    # --- redeem the coupon in the points mall ------------------------------------------------------------
    page.goto("/campaigns/mall/")
    expect(page.get_by_test_id("mall-balance")).to_have_text(str(after_checkin + 30))
    page.get_by_test_id(f"mall-item-{shop['item'].pk}").click()
    page.get_by_test_id("redeem-submit").click()
    expect(page).to_have_url(path_is("/campaigns/mall/history/"))
    expect(page.get_by_test_id("redemption-row")).to_have_count(1)
    assert points_balance(user_id=shopper.pk) == after_checkin
    issued = IssuedCoupon.objects.get(user=shopper)

    page.goto("/coupons/")
    expect(page.get_by_test_id(f"wallet-coupon-{issued.pk}")).to_contain_text("满50减10")

    # --- buy with the wallet coupon and pay in the sandbox -----------------------------------------------
    page.goto("/p/longjing/")
    page.get_by_test_id("buy-now").click()
    expect(page).to_have_url(re.compile(r"/checkout/"))
    page.get_by_test_id("wallet-coupon").select_option(str(issued.pk))
    expect(page.get_by_test_id("wallet-coupon-ok")).to_contain_text("满50减10")
    expect(page.get_by_test_id("coupon-discount")).to_have_text("−¥10.00")
    expect(page.get_by_test_id("total")).to_have_text("¥58.00")
    page.get_by_test_id("place-order").click()
    expect(page).to_have_url(re.compile(r"/payments/pay/[^/]+/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.get_by_test_id("method-sandbox").check()
    page.get_by_test_id("pay-submit").click()
    page.get_by_test_id("sandbox-pay").click()
    expect(page.get_by_test_id("payment-state-paid")).to_be_visible()
    issued.refresh_from_db()
    assert issued.status == IssuedStatus.USED

    # --- the warehouse ships, the carrier delivers, she confirms receipt: purchase points credited --------
    from shequ.orders.services import order_mark_delivered, order_ship

    order = Order.objects.get(number=number)
    order_ship(order=order, carrier_code="yto", tracking_no="YT100200300")
    order_mark_delivered(order_id=order.pk, delivered_at=timezone.now())
    page.goto(f"/orders/{number}/")
    page.get_by_test_id("order-confirm").click()
    expect(page.locator(".flash .flash-success")).to_be_visible()
    earned = points_balance(user_id=shopper.pk) - after_checkin
    assert earned > 0

    # --- a refund-only request for everything, refunded by customer service: points clawed back ----------
    from shequ.accounts.services.operators import operator_create
    from shequ.aftersales.services.buyer import aftersale_create
    from shequ.aftersales.services.handling import aftersale_approve, aftersale_refund

    operator, _password = operator_create(
        phone="13800007777", password="Kefu-Desk-2026", nickname="客服小周", roles=["customer-service"]
    )
    item = order.items.get()
    aftersale = aftersale_create(
        user=shopper, order_number=number, kind="refund_only", reason="quality", items=[(item.pk, 1)]
    )
    aftersale = aftersale_approve(aftersale=aftersale, actor=operator)
    aftersale_refund(aftersale=aftersale, actor=operator)

    # The goods' share is refunded (¥50.00 of the ¥58.00 paid; shipping is kept), so the purchase points
    # are clawed back in proportion: only what the kept ¥8.00 earned stays.
    order.refresh_from_db()
    assert order.refunded_total == Decimal("50.00")
    share_kept = (order.total - order.refunded_total) / order.total
    kept = int((Decimal(earned) * share_kept).to_integral_value(ROUND_DOWN))
    assert kept < earned
    assert points_balance(user_id=shopper.pk) == after_checkin + kept
    page.goto("/loyalty/")
    expect(page.get_by_test_id("points-balance")).to_have_text(str(after_checkin + kept))
