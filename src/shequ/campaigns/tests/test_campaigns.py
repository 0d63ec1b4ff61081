"""Campaigns: UTM links, taking part once, and the figures operators see."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from shequ.campaigns.models import Campaign
from shequ.campaigns.selectors import campaign_stats
from shequ.campaigns.services import campaign_join, campaign_links
from shequ.core.errors import Conflict, Forbidden
from shequ.coupons.models import IssuedCoupon


@pytest.fixture
def campaign(db, template):
    now = timezone.now()
    found = Campaign.objects.create(
        code="spring-tea",
        name="春茶节",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=5),
        participation_points=20,
        channels="wechat,weibo",
    )
    found.coupon_templates.add(template)
    return found


def test_links_carry_utm(campaign):
    links = dict(campaign_links(campaign=campaign, base_url="https://shop.example"))

    url = urlparse(links["wechat"])
    assert url.path == "/campaigns/c/spring-tea/"
    assert parse_qs(url.query) == {"utm_source": ["wechat"], "utm_medium": ["social"], "utm_campaign": ["spring-tea"]}
    assert set(links) == {"wechat", "weibo"}


def test_join_once_gives_coupons_and_points(user, campaign, balance):
    campaign_join(user=user, campaign=campaign)

    assert IssuedCoupon.objects.filter(user=user, source="campaign", reference="spring-tea").count() == 1
    assert balance(user) == 20
    with pytest.raises(Conflict) as exc:
        campaign_join(user=user, campaign=campaign)
    assert exc.value.code == "campaign_already_joined"
    assert balance(user) == 20 and IssuedCoupon.objects.count() == 1


def test_join_outside_the_segment_or_window(user, campaign):
    campaign.segment, campaign.joined_until = "joined", timezone.now() - timedelta(days=30)
    campaign.save()
    with pytest.raises(Forbidden):
        campaign_join(user=user, campaign=campaign)
    campaign.segment, campaign.ends_at = "all", timezone.now() - timedelta(minutes=1)
    campaign.starts_at = timezone.now() - timedelta(days=2)
    campaign.save()
    with pytest.raises(Conflict):
        campaign_join(user=user, campaign=campaign)


def test_stats_count_coupons_orders_and_more(user, shop, campaign, make_trial, make_item, give_points):
    from shequ.analytics.context import EventContext, activate, deactivate
    from shequ.campaigns.services import mall_redeem, trial_apply
    from shequ.orders.testing import mark_paid, place_order

    campaign_join(user=user, campaign=campaign)
    trial = make_trial(campaign=campaign)
    trial_apply(user=user, trial=trial, reason="想试一试这个", address_id=shop["address"].pk)
    give_points(user, 500)
    mall_redeem(user=user, item_id=make_item(campaign=campaign).pk, idempotency_key="stats-key-1")
    token = activate(EventContext(channel="wechat", utm={"utm_campaign": "spring-tea", "utm_source": "wechat"}))
    try:
        mark_paid(place_order(user, lines=[(shop["sku"], 1)]))
        place_order(user, lines=[(shop["sku"], 1)])
    finally:
        deactivate(token)

    stats = campaign_stats(campaigns=[campaign])[campaign.pk]

    assert (stats.coupons_issued, stats.coupons_used, stats.participants) == (1, 0, 1)
    assert (stats.trial_applicants, stats.mall_redemptions) == (1, 1)
    assert (stats.orders, stats.orders_paid) == (2, 1)


def test_admin_changelist_and_page(client, make_user, campaign, django_assert_max_num_queries):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    for n in range(5):
        Campaign.objects.create(code=f"c{n}", name=f"活动{n}", starts_at=campaign.starts_at, ends_at=campaign.ends_at)

    with django_assert_max_num_queries(20):
        listing = client.get("/admin/campaigns/campaign/")
    assert listing.status_code == 200
    change = client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    assert change.status_code == 200 and "utm_campaign=spring-tea" in change.content.decode()


def test_landing_page_and_join(web_client, user, campaign, user_api):
    page = web_client.get("/campaigns/c/spring-tea/?utm_source=wechat&utm_campaign=spring-tea")
    assert page.status_code == 200 and "春茶节" in page.content.decode()
    assert web_client.post("/campaigns/c/spring-tea/join/").status_code == 302
    assert web_client.get("/campaigns/c/nope/").status_code == 404
    api = user_api.api("get", "/campaigns/c/spring-tea")
    assert api.status_code == 200 and len(api.json()["links"]) == 2
    assert user_api.api("post", "/campaigns/c/spring-tea/join").status_code == 409
