"""The community, end to end in two phone-sized browsers: 小鹿 posts a photo with a product tag; 橘子 finds it in
the feed, likes and comments; 小鹿 sees the notification. 橘子, who bought the product, reviews it and the review
shows on the product page; then votes in the brand's poll.

Elements are found by data-testid or form field name, never by visible text.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from PIL import Image

from shequ.catalog.testing import make_product
from shequ.orders.testing import make_address, make_shipping, mark_paid, place_order

PHONE_VIEWPORT = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
_numbers = iter(range(77_000_000, 78_000_000))


def next_phone() -> str:
    return f"+86137{next(_numbers):08d}"


pytestmark = pytest.mark.browser

PASSWORD = "Caomei-Suannai-66"


def page_timeout() -> int:
    import os

    return int(os.environ.get("SHEQU_E2E_TIMEOUT_MS", "10000"))


def path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?(#.*)?$")


def completed_order(user, sku):
    from shequ.orders.services import order_confirm_receipt, order_mark_delivered, order_ship

    make_address(user)
    order = place_order(user, lines=[(sku, 1)])
    mark_paid(order)
    order_ship(order=order, carrier_code="std", tracking_no="SQ0000000001")
    order_mark_delivered(order_id=order.pk, delivered_at=timezone.now())
    order_confirm_receipt(order=order, actor=user)
    return order


@pytest.fixture
def community(transactional_db, make_user):
    from shequ.accounts.services.operators import operator_create
    from shequ.polls.services import poll_create

    make_shipping("std", first_fee="8.00", free_over="99.00")
    product = make_product("草莓酸奶", slug="strawberry-yoghurt", skus=[{"list_price": "12.00", "stock": 50}])
    poster_phone, buyer_phone = next_phone(), next_phone()
    poster = make_user(poster_phone, nickname="早起的小鹿", password=PASSWORD)
    buyer = make_user(buyer_phone, nickname="橘子", password=PASSWORD)
    completed_order(buyer, product.skus.get())
    brand, _ = operator_create(phone=next_phone(), password=PASSWORD, nickname="社区好物官方", roles=["content-ops"])
    poll = poll_create(
        author=brand, question="下一款酸奶出什么口味？", options=["芒果", "蓝莓", "桂花"], is_official=True
    )
    return {
        "product": product,
        "poster": poster,
        "buyer": buyer,
        "poster_mobile": poster_phone.removeprefix("+86"),
        "buyer_mobile": buyer_phone.removeprefix("+86"),
        "poll": poll,
    }


@pytest.fixture
def second_page(browser, live_server):
    """Another person's phone: its own cookies."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE_VIEWPORT
    )
    context.set_default_timeout(page_timeout())
    yield context.new_page()
    context.close()


def log_in(page, expect, mobile: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_test_id("tab-password").click()
    page.locator("input[name=phone]").fill(mobile)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(path_is(next_path))


def test_post_like_comment_notify_review_and_vote(community, page, second_page, expect, tmp_path):
    product, poll = community["product"], community["poll"]
    photo = tmp_path / "breakfast.jpg"
    Image.new("RGB", (900, 700), (250, 200, 160)).save(photo, format="JPEG")

    # --- 小鹿 posts a photo, tags the yoghurt -------------------------------------------------------------
    log_in(page, expect, community["poster_mobile"], "/community/compose/")
    page.locator("textarea[name=text]").fill("今天的早餐：草莓酸奶配燕麦 #早餐打卡#")
    page.get_by_test_id("compose-images").set_input_files(str(photo))
    page.get_by_test_id("product-search").fill("草莓")
    page.get_by_test_id(f"pick-product-{product.pk}").check()
    page.get_by_test_id("compose-submit").click()
    expect(page.get_by_test_id("post-detail")).to_be_visible()
    expect(page.get_by_test_id("post-images").locator("img")).to_have_count(1)
    expect(page.get_by_test_id("post-product")).to_have_count(1)
    post_url = page.url

    # --- 橘子 finds it in the latest feed, likes it and comments ----------------------------------------
    other = second_page
    log_in(other, expect, community["buyer_mobile"], "/community/")
    other.get_by_test_id("feed-tab-latest").click()
    card = other.get_by_test_id("post-card").first
    expect(card).to_contain_text("草莓酸奶配燕麦")
    card.get_by_test_id("post-card-link").click()
    expect(other).to_have_url(post_url)
    other.get_by_test_id("like-button").first.click()
    expect(other.get_by_test_id("like-count").first).to_have_text("1")
    other.get_by_test_id("comment-input").fill("看起来好好吃！求链接～")
    other.get_by_test_id("comment-submit").click()
    expect(other.get_by_test_id("comments")).to_contain_text("看起来好好吃")

    # The product tag is shoppable: it opens the product page.
    other.get_by_test_id("post-product").first.click()
    expect(other).to_have_url(re.compile(r"/p/strawberry-yoghurt/"))

    # --- 小鹿 sees the notifications ------------------------------------------------------------------
    page.goto("/inbox/")
    expect(page.get_by_test_id("inbox-item").first).to_contain_text("橘子")
    expect(page.get_by_test_id("inbox-item").filter(has_text="橘子")).to_have_count(2)  # the like and the comment

    # --- 橘子 bought the yoghurt: reviews it, and the review is on the product page ----------------------
    other.goto("/reviews/to-review/")
    other.get_by_test_id("write-review").first.click()
    for name in ("rating", "rating_taste", "rating_value", "rating_packaging"):
        other.locator(f"input[name={name}][value='5']").check()
    other.locator("textarea[name=text]").fill("酸甜刚好，冰过更好喝，会回购。")
    other.get_by_test_id("review-submit").click()
    other.goto(f"/p/{product.slug}/")
    review = other.get_by_test_id("review").first
    expect(review).to_contain_text("酸甜刚好")
    expect(review.get_by_test_id("verified-badge")).to_be_visible()

    # --- and votes in the brand's poll --------------------------------------------------------------------
    other.goto(f"/polls/{poll.pk}/")
    other.get_by_test_id("poll-option").nth(1).check()
    other.get_by_test_id("poll-vote").click()
    expect(other.get_by_test_id("poll-results").or_(other.get_by_test_id("poll-results-later"))).to_be_visible()
    assert poll.ballots.count() == 1
