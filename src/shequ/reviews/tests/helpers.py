"""Fast test data: past completed purchases written in bulk, reviewed through the real service."""

from __future__ import annotations

import random

from shequ.orders.seed_history import completed_history_bulk
from shequ.reviews import services


def reviewed_purchases(users, sku, count: int, *, seed: int = 1, photos=None, rating: int = 5):
    """``count`` reviews of ``sku`` by ``users`` (each on its own past completed order)."""
    past = completed_history_bulk(
        rng=random.Random(seed), user_ids=[u.pk for u in users], sku_ids=[sku.pk], orders=count
    )
    by_id = {u.pk: u for u in users}
    return [
        services.review_create(
            user=by_id[item.user_id],
            order_item_id=item.order_item_id,
            ratings=services.Ratings(overall=rating, taste=rating, value=4, packaging=4),
            text=f"第{index}条评价，口感不错",
            photos=photos() if photos else (),
        )
        for index, item in enumerate(past)
    ]
