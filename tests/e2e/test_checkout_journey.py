"""From the cart to a refund: a shopper buys two products with a coupon, pays in the sandbox, an operator ships
the parcel, the carrier reports it delivered, the shopper confirms receipt, sends one item back and is refunded.

Two browser contexts against the live server: the shopper's phone (real pages only) and an operator's desktop
(the Django admin's order desk and after-sales queue, logged in with the customer-service role only). The carrier is the
outside world: it pushes tracking events to the signed webhook over HTTP, as a real carrier would.

Elements are found by data-testid or form field name. Status texts are compared with the labels the app
defines, rendered in the shopper's language, so the test does not depend on one translation's wording.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from decimal import Decimal

import pytest
from django.utils import translation

from shequ.accounts.services.operators import operator_create
from shequ.aftersales.models import AfterSaleKind, AfterSaleRequest, AfterSaleStatus
from shequ.catalog.testing import make_product
from shequ.coupons.models import Coupon, CouponKind, CouponRedemption, RedemptionStatus
from shequ.coupons.services import coupon_save
from shequ.inventory.models import StockLevel
from shequ.logistics.models import Shipment
from shequ.logistics.providers.signed_webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from shequ.logistics.testing import make_carrier
from shequ.orders.models import Order, OrderStatus
from shequ.orders.presentation import event_label
from shequ.payments.models import Refund

pytestmark = pytest.mark.browser

TIMEOUT_MS = int(os.environ.get("SHEQU_E2E_TIMEOUT_MS", "10000"))  # as tests/e2e/conftest.py
PASSWORD = "Caihong-Lu-66"
OPERATOR_PASSWORD = "Kefu-Desk-2025"
CARRIER_SECRET = "sf-webhook-secret-for-tests"
TRACKING_NO = "SF1234567890"
RETURN_TRACKING_NO = "YT9876543210"

# The order: 2 × milk at ¥39.90 and 1 × bread at ¥15.00 = ¥94.80; express delivery ¥15.00; the 满80减10
# coupon takes ¥10.00 off: ¥99.80 to pay.
# Returning the bread pays back its share of what was paid for goods (¥84.80 shared in proportion to
# the line totals, 79.80 : 15.00, to the cent): ¥13.42.
ITEMS_TOTAL, SHIPPING, DISCOUNT, TOTAL, BREAD_REFUND = "¥94.80", "¥15.00", "−¥10.00", "¥99.80", "¥13.42"


def path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def shown(label) -> str:
    """A lazily translated label as the shopper (zh-Hans) reads it."""
    with translation.override("zh-hans"):
        return str(label)


def event_shown(kind: str) -> str:
    with translation.override("zh-hans"):
        return event_label(kind)


@pytest.fixture
def shop(transactional_db, make_user):
    make_product(
        "纯牛奶",
        name_en="Pure milk",
        slug="pure-milk",
        skus=[{"code": "PM-12", "pack_size": "250ml×12", "list_price": "39.90", "stock": 20}],
    )
    make_product(
        "全麦面包",
        name_en="Wholemeal bread",
        slug="wholemeal-bread",
        skus=[{"code": "WB-1", "pack_size": "400g", "list_price": "15.00", "stock": 10}],
    )
    make_carrier("yto", rates=[{"first_fee": Decimal("8.00")}], position=1)
    sf = make_carrier("sf", rates=[{"first_fee": Decimal("15.00")}], secret=CARRIER_SECRET, position=2)
    sf.name, sf.name_en, sf.delivery_days = "顺丰速运", "SF Express", "1–2"
    sf.save()
    coupon_save(
        coupon=Coupon(
            code="MAN80", name="满80减10", kind=CouponKind.THRESHOLD, amount=Decimal("10.00"), min_spend=Decimal("80")
        )
    )
    shopper = make_user(nickname="小林", password=PASSWORD)
    operator, _password = operator_create(
        phone="13800009999", password=OPERATOR_PASSWORD, nickname="客服小张", roles=["customer-service"]
    )
    return {"shopper": shopper, "operator": operator}


@pytest.fixture
def desk(request, browser, live_server):
    """The operator's browser: a desktop-sized context with its own cookies (a screenshot when the test fails)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        out = request.config.rootpath / "test-results"
        out.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(out / "checkout_journey-operator.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the real failure
            print(f"could not save the operator's screenshot: {exc}")
    context.close()


def carrier_push(live_server, *, event_id: str, status: str, description: str, location: str) -> dict:
    """The carrier pushes one tracking event to our webhook, signed with the secret we agreed on."""
    body = json.dumps(
        {
            "tracking_no": TRACKING_NO,
            "events": [
                {
                    "id": event_id,
                    "status": status,
                    "description": description,
                    "location": location,
                    "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                }
            ],
        },
        ensure_ascii=False,
    ).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        f"{live_server.url}/logistics/webhook/sf/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(CARRIER_SECRET, timestamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


def operator_login(desk, expect, phone: str) -> None:
    desk.goto("/admin/login/")
    desk.locator("input[name=username]").fill(phone)
    desk.locator("input[name=password]").fill(OPERATOR_PASSWORD)
    desk.locator("input[type=submit]").click()
    expect(desk).to_have_url(path_is("/admin/"))


def admin_action(desk, expect, changelist: str, row_text: str, action: str) -> None:
    """Tick the changelist row showing ``row_text`` and run ``action`` on it."""
    desk.goto(changelist)
    row = desk.locator("#result_list tbody tr").filter(has_text=row_text)
    expect(row).to_have_count(1)
    row.locator("input.action-select").check()
    desk.locator("select[name=action]").select_option(action)
    desk.locator("button[name=index]").click()


def admin_handle(desk, expect, number: str, action: str, note: str = "") -> None:
    """An after-sales step in the queue: pick the request, the action, write the note, confirm."""
    admin_action(desk, expect, "/admin/aftersales/aftersalerequest/", number, action)
    if note:
        desk.locator("textarea[name=note]").fill(note)
    desk.locator("form input[type=submit].default").click()
    expect(desk.locator(".messagelist .success")).to_be_visible()
    expect(desk.locator(".messagelist .error")).to_have_count(0)


def test_buy_with_coupon_pay_ship_track_confirm_return_and_refund(page, desk, expect, live_server, shop):
    shopper = shop["shopper"]
    mobile = shopper.phone.removeprefix("+86")

    # --- a guest fills the cart: two of the milk, one bread --------------------------------------------------
    page.goto("/p/pure-milk/")
    page.get_by_test_id("quantity").fill("2")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("add-to-cart-ok")).to_be_visible()
    page.goto("/p/wholemeal-bread/")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("add-to-cart-ok")).to_be_visible()
    page.get_by_test_id("add-to-cart-ok").get_by_role("link").click()
    expect(page).to_have_url(path_is("/cart/"))
    expect(page.get_by_test_id("cart-line")).to_have_count(2)
    expect(page.get_by_test_id("cart-total")).to_have_text(ITEMS_TOTAL)

    # --- "log in to check out": the guest cart comes along -----------------------------------------------
    page.get_by_test_id("cart-checkout").click()
    expect(page).to_have_url(path_is("/accounts/login/"))
    page.get_by_test_id("tab-password").click()
    page.locator("input[name=phone]").fill(mobile)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(path_is("/checkout/"))
    expect(page.get_by_test_id("checkout-line")).to_have_count(2)
    expect(page.get_by_test_id("items-total")).to_have_text(ITEMS_TOTAL)
    expect(page.get_by_test_id("place-order")).to_be_disabled()  # no address yet

    # --- checkout: add an address, pick express delivery, apply the coupon -----------------------------
    page.get_by_test_id("address-add").click()
    expect(page).to_have_url(path_is("/accounts/me/addresses/new/"))
    page.locator("select[name=province]").select_option("上海市")
    page.locator("input[name=city]").fill("上海市")
    page.locator("input[name=district]").fill("徐汇区")
    page.locator("input[name=detail]").fill("漕溪北路 88 号 3 幢 1201 室")
    page.locator("input[name=recipient]").fill("林小雨")
    page.locator("input[name=phone]").fill(mobile)
    page.get_by_test_id("address-save").click()
    expect(page).to_have_url(path_is("/checkout/"))  # back where she was
    expect(page.get_by_test_id("address-option")).to_have_count(1)
    expect(page.get_by_test_id("address-option")).to_be_checked()
    expect(page.get_by_test_id("delivery-option")).to_have_count(2)
    expect(page.get_by_test_id("shipping-fee")).to_have_text("¥8.00")  # the cheapest is picked first

    page.locator("[data-testid=delivery-option][value=sf]").check()
    expect(page.locator("[data-testid=delivery-option][value=sf]")).to_be_checked()
    expect(page.get_by_test_id("shipping-fee")).to_have_text(SHIPPING)
    expect(page.get_by_test_id("total")).to_have_text("¥109.80")

    page.get_by_test_id("coupon-code").fill("man80")
    page.get_by_test_id("coupon-apply").click()
    expect(page.get_by_test_id("coupon-ok")).to_contain_text("满80减10")
    expect(page.get_by_test_id("coupon-error")).to_have_count(0)
    expect(page.get_by_test_id("items-total")).to_have_text(ITEMS_TOTAL)
    expect(page.get_by_test_id("shipping-fee")).to_have_text(SHIPPING)
    expect(page.get_by_test_id("coupon-discount")).to_have_text(DISCOUNT)
    expect(page.get_by_test_id("total")).to_have_text(TOTAL)
    expect(page.locator("[data-testid=delivery-option][value=sf]")).to_be_checked()  # kept across the quote

    # --- place the order and pay in the sandbox ---------------------------------------------------------
    page.get_by_test_id("place-order").click()
    expect(page).to_have_url(re.compile(r"/payments/pay/[^/]+/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_test_id("pay-total")).to_have_text(TOTAL)
    page.get_by_test_id("method-sandbox").check()
    page.get_by_test_id("pay-submit").click()
    expect(page).to_have_url(re.compile(r"/payments/sandbox/[^/]+/$"))
    expect(page.get_by_test_id("sandbox-amount")).to_have_text(TOTAL)
    page.get_by_test_id("sandbox-pay").click()
    expect(page).to_have_url(path_is(f"/payments/return/{number}/"))
    expect(page.get_by_test_id("payment-state-paid")).to_be_visible()
    page.get_by_test_id("payment-state-paid").get_by_role("link").click()

    expect(page).to_have_url(path_is(f"/orders/{number}/"))
    expect(page.get_by_test_id("order-number")).to_have_text(number)
    expect(page.get_by_test_id("order-status")).to_have_text(shown(OrderStatus.PAID.label))
    expect(page.get_by_test_id("order-total")).to_have_text(TOTAL)
    expect(page.get_by_test_id("order-totals")).to_contain_text("MAN80")
    expect(page.get_by_test_id("order-item")).to_have_count(2)
    expect(page.get_by_test_id("order-pay")).to_have_count(0)
    expect(page.get_by_test_id("order-tracking")).to_have_count(0)
    events = page.get_by_test_id("order-event")
    expect(events).to_have_count(2)
    expect(events.first).to_have_attribute("data-kind", "paid")
    expect(events.first).to_contain_text(event_shown("paid"))
    expect(events.nth(1)).to_have_attribute("data-kind", "placed")

    # --- the operator ships it from the order desk ------------------------------------------------------
    operator_login(desk, expect, "13800009999")
    admin_action(desk, expect, "/admin/orders/order/?todo=to_ship", number, "ship_selected")
    desk.locator("select[name=ship-0-carrier_code]").select_option("sf")
    expect(desk.locator("select[name=ship-0-carrier_code]")).to_have_value("sf")  # the buyer's choice
    desk.locator("input[name=ship-0-tracking_no]").fill(TRACKING_NO.lower())
    desk.locator("form input[type=submit]").click()
    expect(desk.locator(".messagelist .success")).to_be_visible()
    expect(desk.locator(".messagelist .error")).to_have_count(0)

    page.reload()
    expect(page.get_by_test_id("order-status")).to_have_text(shown(OrderStatus.SHIPPED.label))
    expect(page.get_by_test_id("tracking-no")).to_have_text(TRACKING_NO)
    expect(page.get_by_test_id("tracking-empty")).to_be_visible()
    expect(page.get_by_test_id("order-cancel")).to_have_count(0)

    # --- the carrier reports progress; the shopper follows it ------------------------------------------
    pushed = carrier_push(
        live_server,
        event_id="sf-1",
        status="in_transit",
        description="快件已到达【上海转运中心】",
        location="上海市",
    )
    assert pushed["stored"] == 1
    page.reload()
    expect(page.get_by_test_id("tracking-event")).to_have_count(1)
    expect(page.get_by_test_id("tracking-event").first).to_contain_text("快件已到达【上海转运中心】")
    expect(page.get_by_test_id("order-confirm")).to_have_count(0)

    carrier_push(
        live_server,
        event_id="sf-2",
        status="delivered",
        description="【上海市】已签收，签收人：本人",
        location="上海市徐汇区",
    )
    page.reload()
    expect(page.get_by_test_id("order-status")).to_have_text(shown(OrderStatus.DELIVERED.label))
    expect(page.get_by_test_id("tracking-event")).to_have_count(2)
    expect(page.get_by_test_id("tracking-event").first).to_contain_text("已签收")
    expect(page.get_by_test_id("order-event").first).to_have_attribute("data-kind", "delivered")

    # --- she confirms receipt ---------------------------------------------------------------------------
    page.get_by_test_id("order-confirm").click()
    expect(page).to_have_url(path_is(f"/orders/{number}/"))
    expect(page.locator(".flash .flash-success")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text(shown(OrderStatus.COMPLETED.label))
    expect(page.get_by_test_id("order-event").first).to_have_attribute("data-kind", "completed")
    expect(page.get_by_test_id("order-confirm")).to_have_count(0)

    # --- and asks to return the bread -------------------------------------------------------------------
    page.get_by_test_id("order-aftersales").click()
    expect(page).to_have_url(path_is(f"/aftersales/new/{number}/"))
    page.locator(f"input[name=kind][value={AfterSaleKind.RETURN.value}]").check()
    page.get_by_test_id("aftersale-form").locator("li").filter(has_text="全麦面包").locator("input[type=number]").fill(
        "1"
    )
    page.locator("select[name=reason]").select_option("quality")
    page.locator("textarea[name=description]").fill("面包发霉了")
    page.get_by_test_id("aftersale-submit").click()
    expect(page).to_have_url(re.compile(r"/aftersales/[^/]+/$"))
    request_no = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_test_id("aftersale-status")).to_have_text(shown(AfterSaleStatus.REQUESTED.label))
    expect(page.get_by_test_id("refund-amount")).to_have_text(BREAD_REFUND)
    expect(page.get_by_test_id("aftersale-event")).to_have_count(1)
    expect(page.get_by_test_id("return-submit")).to_have_count(0)  # not before it is approved

    # --- customer service approves; she sends the bread back and gives the waybill ---------------------
    admin_handle(desk, expect, request_no, "approve", note="请寄回面包，运费我们承担")
    page.reload()
    expect(page.get_by_test_id("aftersale-status")).to_have_text(shown(AfterSaleStatus.APPROVED.label))
    expect(page.get_by_test_id("operator-note")).to_have_text("请寄回面包，运费我们承担")
    page.locator("select[name=carrier_code]").select_option("yto")
    page.locator("input[name=tracking_no]").fill(RETURN_TRACKING_NO)
    page.get_by_test_id("return-submit").click()
    expect(page).to_have_url(path_is(f"/aftersales/{request_no}/"))
    expect(page.locator(".flash .flash-success")).to_be_visible()
    expect(page.get_by_test_id("return-waybill")).to_contain_text(f"yto快递 {RETURN_TRACKING_NO}")

    # --- the goods arrive (back to stock) and the refund goes out through the sandbox -------------------
    admin_handle(desk, expect, request_no, "receive_sellable", note="已收到退货")
    admin_handle(desk, expect, request_no, "refund")

    page.reload()
    expect(page.get_by_test_id("aftersale-status")).to_have_text(shown(AfterSaleStatus.REFUNDED.label))
    expect(page.get_by_test_id("refund-amount")).to_have_text(BREAD_REFUND)
    timeline = page.get_by_test_id("aftersale-event")
    expect(timeline).to_have_count(5)  # newest first
    expect(timeline.first).to_contain_text(shown(AfterSaleStatus.REFUNDED.label))
    expect(timeline.nth(1)).to_contain_text(shown(AfterSaleStatus.GOODS_RETURNED.label))
    expect(timeline.nth(2)).to_contain_text(RETURN_TRACKING_NO)  # her waybill
    expect(timeline.nth(3)).to_contain_text(shown(AfterSaleStatus.APPROVED.label))
    expect(timeline.nth(3)).to_contain_text("请寄回面包")
    expect(timeline.nth(4)).to_contain_text(shown(AfterSaleStatus.REQUESTED.label))
    expect(page.get_by_test_id("aftersale-withdraw")).to_have_count(0)

    # The order keeps the milk: completed, partly refunded, the bread marked as refunded.
    page.get_by_test_id("aftersale-order").click()
    expect(page).to_have_url(path_is(f"/orders/{number}/"))
    expect(page.get_by_test_id("order-status")).to_have_text(shown(OrderStatus.COMPLETED.label))
    expect(page.get_by_test_id("order-total")).to_have_text(TOTAL)
    expect(page.get_by_test_id("order-refunded")).to_have_text(BREAD_REFUND)
    expect(page.get_by_test_id("order-item").filter(has_text="全麦面包").locator(".tag.bad")).to_have_count(1)
    expect(page.get_by_test_id("order-item").filter(has_text="纯牛奶").locator(".tag.bad")).to_have_count(0)
    expect(page.get_by_test_id("order-event").first).to_have_attribute("data-kind", "refund_applied")
    expect(page.get_by_test_id("order-event").first).to_contain_text(event_shown("refund_applied"))

    # Her consumption records list the purchase, the refund and the coupon.
    page.goto("/accounts/me/")
    page.get_by_test_id("me-orders").locator("a[href='/orders/records/']").click()
    expect(page).to_have_url(path_is("/orders/records/"))
    expect(page.get_by_test_id("records-purchases")).to_contain_text(TOTAL)
    expect(page.get_by_test_id("records-refunded")).to_have_text(BREAD_REFUND)
    expect(page.get_by_test_id("records-refunds")).to_contain_text(number)
    expect(page.get_by_test_id("records-coupons")).to_contain_text("MAN80")
    expect(page.get_by_test_id("records-coupons")).to_contain_text(DISCOUNT)

    # Her inbox told her: the payment and the refund, with their amounts.
    page.goto("/accounts/me/")
    page.get_by_test_id("me-orders").locator("a[href='/inbox/']").click()
    expect(page).to_have_url(path_is("/inbox/"))
    inbox = page.get_by_test_id("inbox-item")
    expect(inbox.filter(has_text=number).filter(has_text=TOTAL).first).to_be_visible()
    expect(inbox.filter(has_text=number).filter(has_text=BREAD_REFUND).first).to_be_visible()

    # --- what the pages showed is what was recorded ------------------------------------------------------
    order = Order.objects.get(number=number)
    assert order.user_id == shopper.pk
    assert (order.items_total, order.shipping_fee, order.coupon_discount, order.total) == (
        Decimal("94.80"),
        Decimal("15.00"),
        Decimal("10.00"),
        Decimal("99.80"),
    )
    assert order.status == OrderStatus.COMPLETED
    assert order.refunded_total == Decimal("13.42")
    assert order.carrier_code == "sf"
    assert Shipment.objects.get(order=order).tracking_no == TRACKING_NO
    assert CouponRedemption.objects.get(order_id=order.pk).status == RedemptionStatus.USED
    aftersale = AfterSaleRequest.objects.get(number=request_no)
    assert (aftersale.status, aftersale.refund_amount, aftersale.restock) == (
        AfterSaleStatus.REFUNDED,
        Decimal("13.42"),
        True,
    )
    refund = Refund.objects.get(payment__order=order)
    assert (refund.amount, refund.status) == (Decimal("13.42"), "succeeded")
    # Stock: 2 milk and 1 bread left the warehouse; the returned bread came back.
    stock = {level.sku.code: level for level in StockLevel.objects.select_related("sku")}
    assert stock["PM-12"].on_hand == 18
    assert stock["WB-1"].on_hand == 10
