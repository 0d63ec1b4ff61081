"""The loyalty calls campaigns makes (points, tiers), in one place."""

from __future__ import annotations


def award(*, user_id: int, points: int, kind: str, reference: str, note: str = ""):
    from shequ.loyalty.services import points_award

    return points_award(user_id=user_id, points=points, kind=kind, reference=reference, note=note)


def spend(*, user_id: int, points: int, kind: str, reference: str, note: str = ""):
    from shequ.loyalty.services import points_spend

    return points_spend(user_id=user_id, points=points, kind=kind, reference=reference, note=note)


def balance(*, user_id: int) -> int:
    from shequ.loyalty.selectors import points_balance

    return points_balance(user_id=user_id)


def trial_priority(*, user_id: int) -> int:
    from shequ.loyalty.selectors import user_tier

    return int(user_tier(user_id=user_id).trial_priority or 0)
