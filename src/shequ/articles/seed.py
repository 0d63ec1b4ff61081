"""Demo brand articles: a dozen stories of the Shequ 好物 brand (brand, R&D, production, trends, recipes),
each linked to a few demo products; two are scheduled for the coming days (not visible until then)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from shequ.articles.models import Article, ArticleStatus
from shequ.catalog.richtext import render_description
from shequ.core.seeding import SeedContext

ARTICLES = [
    ("从牧场到餐桌：一杯鲜牛奶的48小时", "From pasture to table: 48 hours of a glass of milk", "品牌故事", "牛奶"),
    ("我们为什么坚持0蔗糖", "Why we insist on zero added sugar", "研发", "0糖"),
    ("走进酸奶工厂：发酵的温度与时间", "Inside the yoghurt plant: time and temperature", "生产", "酸奶"),
    ("坚果的烘焙曲线，决定了它的香味", "The roasting curve of a nut", "研发", "坚果"),
    ("2026年零食趋势：少糖、高蛋白、小包装", "Snack trends 2026", "行业趋势", "零食"),
    ("一瓶气泡水的二氧化碳从哪里来", "Where the bubbles come from", "科普", "气泡水"),
    ("早餐搭配指南：10分钟的营养早餐", "A 10-minute breakfast guide", "食谱", "燕麦"),
    ("洗衣液里的酶，是怎么去掉污渍的", "How enzymes remove stains", "科普", "洗衣液"),
    ("我们的质检实验室：每一批都有报告", "Our quality lab: a report for every batch", "品质", "检测"),
    ("和农户一起种燕麦的第三年", "Three years of growing oats with farmers", "品牌故事", "燕麦"),
    ("冷萃咖啡的12小时", "Twelve hours of cold brew", "研发", "咖啡"),
    ("包装减塑计划：今年少用了80吨塑料", "Less plastic: 80 tonnes saved this year", "可持续", "包装"),
]

PARAGRAPHS = [
    "在社区里，我们经常收到这样的问题：{topic}到底好在哪里？这篇文章想把我们知道的都讲清楚。",
    "每一批产品出厂前都会经过理化和微生物检测，检测报告可以在商品页的“溯源”里查到。",
    "研发团队花了将近一年时间反复调整配方，做了两百多次小样测试，才定下现在的口味。",
    "我们也邀请了社区里的用户参与盲测，他们的反馈直接改变了最终的甜度和包装规格。",
    "如果你有更好的建议，欢迎在社区发帖告诉我们，也可以参加我们的新品投票。",
]


def _body(rng: random.Random, topic: str) -> str:
    paragraphs = [p.format(topic=topic) for p in rng.sample(PARAGRAPHS, 4)]
    return (
        f"## {topic}的故事\n\n"
        + "\n\n".join(paragraphs)
        + f"\n\n> 好的{topic}，是时间和耐心做出来的。\n\n- 原料可追溯\n- 每批必检\n- 用户共创\n"
    )


def seed_articles(ctx: SeedContext) -> dict:
    """Seeder ``articles.demo``: 12 articles, 2 of them scheduled in the future."""
    from shequ.catalog.models import Product, ProductStatus
    from shequ.search.services import search_index_later

    rng = random.Random(ctx.rng.randrange(1 << 32))
    now = timezone.now()
    products = list(Product.objects.filter(status=ProductStatus.ON_SALE).values_list("pk", "name")[:2000])
    articles = []
    for n, (title, title_en, column, topic) in enumerate(ARTICLES):
        scheduled = n >= len(ARTICLES) - 2
        published = (
            now + timedelta(days=n - len(ARTICLES) + 4) if scheduled else now - timedelta(days=3 * (len(ARTICLES) - n))
        )
        body = _body(rng, topic)
        articles.append(
            Article(
                title=title,
                title_en=title_en,
                slug=f"story-{n + 1:02d}",
                summary=title_en if rng.random() < 0.2 else f"{topic}背后的细节，一次讲清楚。",
                body=body,
                body_html=render_description(body),
                category=column,
                status=ArticleStatus.SCHEDULED if scheduled else ArticleStatus.PUBLISHED,
                publish_at=published if scheduled else None,
                published_at=published,
                view_count=rng.randint(200, 20_000),
                like_count=rng.randint(10, 900),
            )
        )
    existing = set(Article.objects.filter(slug__in=[a.slug for a in articles]).values_list("slug", flat=True))
    created = Article.objects.bulk_create([a for a in articles if a.slug not in existing])
    links = []
    through = Article.products.through
    topic_of = {f"story-{n + 1:02d}": spec[3] for n, spec in enumerate(ARTICLES)}
    for article in created:
        topic = topic_of[article.slug]
        matching = [pk for pk, name in products if topic in name] or [pk for pk, _ in products]
        for product_id in rng.sample(matching, min(3, len(matching))):
            links.append(through(article_id=article.pk, product_id=product_id))
    through.objects.bulk_create(links, ignore_conflicts=True)
    search_index_later(doc_type="article", object_ids=[a.pk for a in created])
    return {"articles": len(created), "scheduled": sum(a.status == ArticleStatus.SCHEDULED for a in created)}
