"""Demo coupons, new-user task rewards, a campaign with UTM links, points-mall items and an open trial.
Deterministic (the context's seeded random) and small."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from shequ.core.seeding import SeedContext

TEMPLATES = [
    # code, name, kind, amount, percent, min_spend, valid_days, stackable, claim_code
    ("welcome-10", "新人券 满49减10", "threshold", "10", None, "49", 30, False, ""),
    ("mall-20", "积分兑换 满99减20", "threshold", "20", None, "99", 30, False, ""),
    ("tea-95", "茶饮 95折（可叠加）", "percent", None, 5, "0", 14, True, ""),
    ("spring-15", "春季活动 满79减15", "threshold", "15", None, "79", 20, False, "SPRING15"),
    ("birthday-30", "生日礼券 满100减30", "threshold", "30", None, "100", 31, False, ""),
    ("tier-monthly-8", "会员月券 无门槛8元", "fixed", "8", None, "0", 30, False, ""),
]


def seed_campaigns(ctx: SeedContext) -> dict:
    from shequ.campaigns.models import Campaign, MallItem, MallItemKind, OnboardingTask, Trial
    from shequ.catalog.models import SKU
    from shequ.coupons.models import CouponRule, CouponTemplate, RuleKind

    now = timezone.now()
    templates = {}
    for code, name, kind, amount, percent, min_spend, days, stackable, claim in TEMPLATES:
        templates[code], _created = CouponTemplate.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "amount": Decimal(amount) if amount else None,
                "percent": percent,
                "min_spend": Decimal(min_spend),
                "valid_days": days,
                "stackable": stackable,
                "claim_code": claim,
                "per_user_limit": None if code in ("mall-20", "tier-monthly-8", "birthday-30") else 1,
            },
        )
    OnboardingTask.objects.filter(code="first_order").update(coupon_template=templates["welcome-10"])
    OnboardingTask.objects.filter(code="complete_profile").update(coupon_template=templates["tea-95"])
    CouponRule.objects.get_or_create(kind=RuleKind.BIRTHDAY, template=templates["birthday-30"])
    CouponRule.objects.get_or_create(
        kind=RuleKind.TIER_MONTHLY, template=templates["tier-monthly-8"], defaults={"tier_codes": "gold,platinum"}
    )
    campaign, _created = Campaign.objects.get_or_create(
        code="spring-tea",
        defaults={
            "name": "春季新茶节",
            "name_en": "Spring tea festival",
            "description": "领满79减15券，参加新品试用，积分兑好礼。",
            "starts_at": now - timedelta(days=3),
            "ends_at": now + timedelta(days=27),
            "participation_points": 20,
        },
    )
    campaign.coupon_templates.add(templates["spring-15"])
    skus = list(SKU.objects.filter(product__status="on_sale").order_by("id")[:40])
    items = 0
    if not MallItem.objects.exists():
        rows = [
            MallItem(
                kind=MallItemKind.COUPON,
                title="满99减20券",
                points_cost=200,
                stock=500,
                per_user_limit=3,
                coupon_template=templates["mall-20"],
                position=1,
                campaign=campaign,
            ),
            MallItem(
                kind=MallItemKind.ACTIVITY,
                title="线下品鉴会入场券",
                description="4 月每周六下午，上海徐汇门店。",
                points_cost=300,
                stock=40,
                per_user_limit=1,
                position=3,
                campaign=campaign,
            ),
        ]
        if skus:
            sku = ctx.rng.choice(skus)
            rows.append(
                MallItem(
                    kind=MallItemKind.PRODUCT,
                    title=f"{sku.product.name}（积分兑换）",
                    points_cost=990,
                    stock=20,
                    per_user_limit=1,
                    sku=sku,
                    position=2,
                )
            )
        MallItem.objects.bulk_create(rows)
        items = len(rows)
    if skus and not Trial.objects.exists():
        sku = skus[len(skus) // 2]
        Trial.objects.create(
            campaign=campaign,
            title=f"新品试用：{sku.product.name}",
            description="免费试用，收到后 14 天内发布评价。",
            sku=sku,
            units=5,
            apply_starts_at=now - timedelta(days=1),
            apply_ends_at=now + timedelta(days=6),
            review_deadline=now + timedelta(days=30),
            seed="demo",
        )
    return {"templates": len(templates), "mall_items": items, "campaign": campaign.code}
