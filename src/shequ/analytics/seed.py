"""A month of believable behaviour for the demo users, so the analytics have something to show."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from shequ.analytics.services import events_write
from shequ.core.seeding import SeedContext

PAGES = ["/", "/accounts/me/", "/accounts/me/addresses/", "/accounts/me/settings/"]
CHANNELS = [
    ("web", "", "", ""),
    ("wechat", "wechat", "social", "spring_launch"),
    ("xiaohongshu", "xiaohongshu", "kol", "kol_reviews"),
    ("web", "baidu", "cpc", "brand_search"),
]


def seed_events(ctx: SeedContext) -> dict:
    from shequ.accounts.selectors import consumer_ids

    rng = ctx.rng
    user_ids = ctx.shared.get("user_ids") or consumer_ids()
    now = timezone.now()
    rows = []
    for user_id in user_ids:
        activity = rng.random()
        if activity < 0.2:
            continue  # signed up and never came back
        anonymous_id = f"seed{user_id:08d}"
        for day in range(30):
            if rng.random() > activity * 0.6:
                continue
            channel, source, medium, campaign = rng.choice(CHANNELS)
            start = now - timedelta(days=day, hours=rng.randrange(24), minutes=rng.randrange(60))
            session = f"s{user_id}-{day}"
            base = {
                "anonymous_id": anonymous_id,
                "session_id": session,
                "device_id": "",
                "channel": channel,
                "utm_source": source,
                "utm_medium": medium,
                "utm_campaign": campaign,
                "utm_term": "",
                "utm_content": "",
                "received_at": start.isoformat(),
            }
            rows.append(
                {
                    **base,
                    "name": "login",
                    "user_id": user_id,
                    "properties": {"method": "otp"},
                    "occurred_at": start.isoformat(),
                }
            )
            for step in range(rng.randint(1, 6)):
                at = start + timedelta(seconds=30 * (step + 1))
                rows.append(
                    {
                        **base,
                        "name": "page_view",
                        "user_id": user_id,
                        "properties": {"path": rng.choice(PAGES)},
                        "occurred_at": at.isoformat(),
                    }
                )
    written = 0
    for start in range(0, len(rows), 5000):
        written += events_write(rows[start : start + 5000])
    return {"events": written}
