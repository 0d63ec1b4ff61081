"""Campaigns' use cases, split by area: onboarding tasks, trials, the points mall, campaigns themselves."""

from shequ.campaigns.services.campaigns import campaign_join, campaign_links
from shequ.campaigns.services.mall import mall_redeem
from shequ.campaigns.services.onboarding import content_credit_add, content_credit_remove, task_claim, task_complete
from shequ.campaigns.services.trials import (
    trial_apply,
    trial_close,
    trial_draw,
    trial_pick_winners,
    trial_review_received,
    trials_remind_reviews,
)

__all__ = [
    "campaign_join",
    "campaign_links",
    "content_credit_add",
    "content_credit_remove",
    "mall_redeem",
    "task_claim",
    "task_complete",
    "trial_apply",
    "trial_close",
    "trial_draw",
    "trial_pick_winners",
    "trial_review_received",
    "trials_remind_reviews",
]
