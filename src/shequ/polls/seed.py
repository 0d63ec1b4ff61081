"""Demo polls: the brand's product-decision polls (which flavour next, which pack size) linked to demo products,
a community poll with several answers, and a closed poll showing its results; ballots from demo consumers are
written in bulk with their counts."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from shequ.core.seeding import SeedContext
from shequ.polls.models import Poll, PollBallot, PollOption
from shequ.polls.services import poll_create

BATCH = 1000
POLLS = [
    {
        "question": "下一款新口味酸奶，你最想喝哪个？",
        "description": "票数最高的口味将在下个月上新，投票用户可抢先试喝！",
        "options": ["杨枝甘露", "桂花酒酿", "青提茉莉", "黑糖珍珠"],
        "is_official": True,
        "days": 10,
    },
    {
        "question": "纯牛奶你更想要哪种规格？",
        "description": "我们正在规划新包装，听听大家的意见。",
        "options": ["200ml×24 盒", "250ml×12 盒", "1L×6 瓶家庭装"],
        "is_official": True,
        "days": 5,
        "products": True,
    },
    {
        "question": "你平时什么时候喝牛奶？（可多选）",
        "options": ["早餐", "下午茶", "运动后", "睡前"],
        "multiple": True,
        "max_choices": 3,
        "days": 20,
    },
    {
        "question": "坚果礼盒你更喜欢哪种搭配？",
        "options": ["每日坚果小包装", "原味大罐装", "混合果干款"],
        "is_official": True,
        "days": -3,  # already closed: results for everybody
        "results_visibility": "after_close",
    },
    {
        "question": "夏天你最想要哪种冰淇淋？",
        "options": ["抹茶红豆", "海盐焦糖", "芒果百香果", "经典香草"],
        "days": 14,
        "results_visibility": "after_close",
    },
]


def seed_polls(ctx: SeedContext) -> dict:
    """Seeder ``polls.demo``: five polls and a few thousand ballots at scale 1."""
    from shequ.accounts.selectors import consumer_ids
    from shequ.catalog.selectors import product_cards
    from shequ.reviews.seed import brand_account

    rng = random.Random(ctx.rng.randrange(1 << 32))
    user_ids = list(ctx.shared.get("user_ids") or consumer_ids(limit=2000))
    product_ids = list(product_cards().order_by("-sales_count", "id").values_list("pk", flat=True)[:6])
    brand = brand_account()
    now = timezone.now()
    ballots_total = 0
    with transaction.atomic():
        for spec in POLLS:
            options = spec["options"]
            if spec.get("products") and len(product_ids) >= len(options):
                options = list(zip(options, product_ids[: len(options)], strict=True))
            poll = poll_create(
                author=brand,
                question=spec["question"],
                description=spec.get("description", ""),
                options=options,
                multiple=spec.get("multiple", False),
                max_choices=spec.get("max_choices", 1),
                closes_at=now + timedelta(days=abs(spec["days"])),
                results_visibility=spec.get("results_visibility", "after_vote"),
                is_official=spec.get("is_official", False),
                product_ids=product_ids[:2] if spec.get("is_official") else (),
            )
            ballots_total += _ballots(rng, poll, user_ids, spec)
            if spec["days"] < 0:
                Poll.objects.filter(pk=poll.pk).update(
                    closes_at=now + timedelta(days=spec["days"]), created_at=now + timedelta(days=spec["days"] - 14)
                )
    return {"polls": len(POLLS), "ballots": ballots_total}


def _ballots(rng: random.Random, poll: Poll, user_ids: list[int], spec: dict) -> int:
    options = list(PollOption.objects.filter(poll=poll).order_by("position"))
    weights = [rng.uniform(0.5, 3) for _option in options]
    voters = rng.sample(user_ids, min(len(user_ids), rng.randrange(len(user_ids) // 3 + 1, len(user_ids) // 2 + 2)))
    ballots = PollBallot.objects.bulk_create(
        [PollBallot(poll=poll, user_id=voter) for voter in voters], batch_size=BATCH
    )
    through = PollBallot.options.through
    links, counts = [], dict.fromkeys((o.pk for o in options), 0)
    for ballot in ballots:
        how_many = rng.randint(1, poll.max_choices) if poll.multiple else 1
        chosen: set[int] = set()
        while len(chosen) < how_many:
            chosen.add(rng.choices(options, weights=weights)[0].pk)
        for option_id in chosen:
            links.append(through(pollballot_id=ballot.pk, polloption_id=option_id))
            counts[option_id] += 1
    through.objects.bulk_create(links, batch_size=BATCH)
    for option in options:
        option.vote_count = counts[option.pk]
    PollOption.objects.bulk_update(options, ["vote_count"])
    Poll.objects.filter(pk=poll.pk).update(ballot_count=len(ballots))
    return len(ballots)
