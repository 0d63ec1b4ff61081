"""Campaigns: UTM links for each channel, and taking part (claiming its coupons and points once)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.campaigns import points
from shequ.campaigns.models import Campaign, CampaignParticipation
from shequ.core.errors import Conflict, Forbidden
from shequ.coupons.segments import Segment, parse_codes, user_in_segment
from shequ.coupons.services import coupon_grant


def campaign_links(*, campaign: Campaign, base_url: str | None = None) -> list[tuple[str, str]]:
    """(channel, link) per channel: the landing page with utm_source=channel, utm_medium, utm_campaign=code.
    Orders placed in the visit record ``utm_campaign``, so the campaign's orders can be counted."""
    base = (settings.SHEQU_PUBLIC_URL if base_url is None else base_url).rstrip("/")
    path = campaign.landing_path or f"/campaigns/c/{campaign.code}/"
    if not path.startswith("/"):
        path = f"/{path}"
    joiner = "&" if "?" in path else "?"
    return [
        (
            channel,
            f"{base}{path}{joiner}"
            + urlencode({"utm_source": channel, "utm_medium": campaign.utm_medium, "utm_campaign": campaign.code}),
        )
        for channel in parse_codes(campaign.channels)
    ]


def campaign_is_live(campaign: Campaign, now=None) -> bool:
    now = now or timezone.now()
    return campaign.is_active and campaign.starts_at <= now < campaign.ends_at


def campaign_join(*, user, campaign: Campaign) -> CampaignParticipation:
    """Take part: get the campaign's coupons and its participation points, once (again is 409). Only while
    it runs and for people in its target segment."""
    if not campaign_is_live(campaign):
        raise Conflict("campaign_not_running", _("This campaign is not running."))
    if not user_in_segment(user=user, segment=Segment.of(campaign)):
        raise Forbidden("campaign_not_eligible", _("This campaign is for other members."))
    try:
        with transaction.atomic():
            participation = CampaignParticipation.objects.create(campaign=campaign, user=user)
            for template in campaign.coupon_templates.filter(is_active=True):
                coupon_grant(template_code=template.code, user_id=user.pk, source="campaign", reference=campaign.code)
            if campaign.participation_points:
                points.award(
                    user_id=user.pk,
                    points=campaign.participation_points,
                    kind="campaign",
                    reference=campaign.code,
                    note=campaign.name[:80],
                )
    except IntegrityError as exc:
        raise Conflict("campaign_already_joined", _("You have already taken part.")) from exc
    track(user, "campaign_joined", {"campaign": campaign.code})
    return participation
