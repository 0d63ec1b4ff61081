"""The community demo: topics, circles (with moderators), badges, a follow graph, thousands of posts in
Chinese around the demo products (product tags, the product's photo on 晒单 posts, #topics#), comments with
replies, likes and favourites — with every counter and hot score as the services would have left them.

Deterministic (one seeded ``random.Random``) and fast: everything goes in with ``bulk_create``; posts are
then indexed for the community search in one batch. Reviews, Q&A and polls are seeded by their own modules.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shequ.community import seed_text
from shequ.community.hotness import hot_score
from shequ.community.markup import render_html
from shequ.community.models import (
    BadgeKind,
    Circle,
    CircleMembership,
    CircleRole,
    Comment,
    ContentStatus,
    Favourite,
    Post,
    PostImage,
    PostLike,
    PostProduct,
    Topic,
    TopicFollow,
    UserBadge,
    UserFollow,
    Visibility,
)
from shequ.core.seeding import SeedContext

POSTS_AT_SCALE_1 = 3000
DAYS = 90
BATCH = 1000


def _weighted_picker(rng: random.Random, items: list, exponent: float):
    """Pick from ``items`` with a long tail: the first ones much more often (authors, popular topics)."""
    weights = [1 / (rank**exponent) for rank in range(1, len(items) + 1)]
    return lambda: rng.choices(items, weights=weights)[0]


def _topics_and_circles() -> tuple[list[Topic], list[Circle]]:
    Topic.objects.bulk_create(
        [
            Topic(name=name, slug=name, description=description, is_featured=n < 6)
            for n, (name, description) in enumerate(seed_text.TOPICS)
        ],
        ignore_conflicts=True,
    )
    Circle.objects.bulk_create(
        [
            Circle(name=name, slug=slug, description=description, is_official=n < 3)
            for n, (slug, name, description) in enumerate(seed_text.CIRCLES)
        ],
        ignore_conflicts=True,
    )
    topics = list(Topic.objects.filter(name__in=[n for n, _ in seed_text.TOPICS]).order_by("id"))
    circles = list(Circle.objects.filter(name__in=[n for _, n, _ in seed_text.CIRCLES]).order_by("id"))
    return topics, circles


def _product_photos(product_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each product's first photo (image, thumbnail file names): a 晒单 shows the product it is about."""
    from shequ.catalog.models import ProductImage

    photos: dict[int, tuple[str, str]] = {}
    for product_id, image, thumb in (
        ProductImage.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "position", "id")
        .values_list("product_id", "image", "thumbnail")
    ):
        photos.setdefault(product_id, (image, thumb or image))
    return photos


def seed_community(ctx: SeedContext) -> dict:
    """Seeder ``community.demo``: about 3,000 posts at scale 1 (at least 50)."""
    from shequ.accounts.models import User
    from shequ.catalog.models import Product, ProductStatus

    started = time.perf_counter()
    rng = random.Random(ctx.rng.randrange(1 << 32))
    now = timezone.now()
    user_ids = list(ctx.shared.get("user_ids") or [])
    if not user_ids:
        user_ids = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk").values_list("pk", flat=True))
    if len(user_ids) < 5:
        ctx.log("    fewer than 5 users: community skipped")
        return {"posts": 0}
    user_ids = sorted(user_ids)
    products = list(
        Product.objects.filter(status=ProductStatus.ON_SALE).order_by("pk").values_list("pk", "name")[:1000]
    )
    photos = _product_photos([pk for pk, _ in products])

    with transaction.atomic():
        topics, circles = _topics_and_circles()
        topic_slugs = {t.name.lower(): t.slug for t in topics}
        shuffled = user_ids[:]
        rng.shuffle(shuffled)  # who is popular is random, but the same every run

        # Badges: a few KOLs and experts among the most followed.
        badges = [UserBadge(user_id=uid, kind=BadgeKind.KOL, label="美食博主") for uid in shuffled[:4]]
        badges += [UserBadge(user_id=uid, kind=BadgeKind.EXPERT, label="营养师") for uid in shuffled[4:6]]
        UserBadge.objects.bulk_create(badges, ignore_conflicts=True)

        # Follows: long-tailed, the first of ``shuffled`` followed by many.
        popular = _weighted_picker(rng, shuffled, 0.9)
        follows = {
            (uid, followee)
            for uid in user_ids
            for followee in {popular() for _ in range(rng.randint(3, 25))}
            if followee != uid
        }
        UserFollow.objects.bulk_create(
            [UserFollow(follower_id=a, followee_id=b) for a, b in sorted(follows)],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        popular_topic = _weighted_picker(rng, topics, 0.8)
        topic_follows = {(uid, popular_topic().pk) for uid in user_ids for _ in range(rng.choice((0, 1, 2, 3)))}
        TopicFollow.objects.bulk_create(
            [TopicFollow(user_id=u, topic_id=t) for u, t in sorted(topic_follows)],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        memberships = {
            (uid, c.pk) for uid in user_ids for c in rng.sample(circles, min(len(circles), rng.choice((0, 1, 1, 2, 3))))
        }
        moderators = {(shuffled[n], circle.pk) for n, circle in enumerate(circles)}
        CircleMembership.objects.bulk_create(
            [
                CircleMembership(
                    user_id=u, circle_id=c, role=CircleRole.MODERATOR if (u, c) in moderators else CircleRole.MEMBER
                )
                for u, c in sorted(memberships | moderators)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

        # Posts, oldest first, with their topics, products and photos.
        author = _weighted_picker(rng, shuffled, 0.7)
        total = max(50, int(POSTS_AT_SCALE_1 * ctx.scale))
        plans = []
        for n in range(total):
            published = now - timedelta(seconds=DAYS * 86400 * (total - n - rng.random()) / total)
            post_topics = list({popular_topic() for _ in range(rng.choice((0, 1, 1, 1, 2)))})
            names = [t.name for t in post_topics]
            tagged = rng.sample(products, rng.choice((1, 1, 2))) if products and rng.random() < 0.6 else []
            if tagged:
                text = seed_text.product_post_text(rng, product_name=tagged[0][1], topics=names)
            else:
                text = seed_text.free_post_text(rng, topics=names)
            roll = rng.random()
            status = (
                ContentStatus.DRAFT
                if roll < 0.01
                else ContentStatus.HIDDEN
                if roll < 0.015
                else ContentStatus.PUBLISHED
            )
            visibility = Visibility.FOLLOWERS if rng.random() < 0.04 else Visibility.PUBLIC
            post = Post(
                author_id=author(),
                text=text,
                text_html=render_html(text, topics=topic_slugs),
                status=status,
                visibility=visibility,
                circle_id=rng.choice(circles).pk if circles and rng.random() < 0.2 else None,
                published_at=None if status == ContentStatus.DRAFT else published,
                hidden_reason="广告内容" if status == ContentStatus.HIDDEN else "",
                view_count=rng.randint(20, 3000),
            )
            plans.append((post, post_topics, [pk for pk, _ in tagged]))
        Post.objects.bulk_create([p for p, _, _ in plans], batch_size=BATCH)
        # created_at follows the story (auto_now_add stamped "now" on every row).
        for post, _, _ in plans:
            post.created_at = post.updated_at = post.published_at or now
        Post.objects.bulk_update([p for p, _, _ in plans], ["created_at", "updated_at"], batch_size=BATCH)

        through = Post.topics.through
        through.objects.bulk_create(
            [through(post_id=p.pk, topic_id=t.pk) for p, ts, _ in plans for t in ts], batch_size=BATCH
        )
        PostProduct.objects.bulk_create(
            [
                PostProduct(post_id=p.pk, product_id=pid, position=i)
                for p, _, pids in plans
                for i, pid in enumerate(pids)
            ],
            batch_size=BATCH,
        )
        images = []
        for post, _, pids in plans:
            for position, pid in enumerate(pids):
                if pid in photos:
                    image, thumb = photos[pid]
                    images.append(PostImage(post_id=post.pk, image=image, thumbnail=thumb, position=position))
        PostImage.objects.bulk_create(images, batch_size=BATCH)

        # Engagement on published posts: likes, favourites, comments with replies.
        live = [p for p, _, _ in plans if p.status == ContentStatus.PUBLISHED]
        likes, favourites, comments = set(), set(), []
        for post in live:
            fans = min(len(user_ids), int(rng.paretovariate(1.2)) - 1)
            for uid in rng.sample(user_ids, min(fans, 60)):
                likes.add((post.pk, uid))
                if rng.random() < 0.15:
                    favourites.add((post.pk, uid))
            for _ in range(min(int(rng.paretovariate(1.5)) - 1, 12)):
                text = seed_text.comment_text(rng)
                comments.append(
                    Comment(
                        post_id=post.pk,
                        author_id=rng.choice(user_ids),
                        text=text,
                        text_html=render_html(text),
                    )
                )
        PostLike.objects.bulk_create([PostLike(post_id=p, user_id=u) for p, u in sorted(likes)], batch_size=BATCH)
        Favourite.objects.bulk_create(
            [Favourite(post_id=p, user_id=u) for p, u in sorted(favourites)], batch_size=BATCH
        )
        Comment.objects.bulk_create(comments, batch_size=BATCH)
        authors_of = {p.pk: p.author_id for p in live}
        replies = []
        for comment in comments:
            if rng.random() < 0.25:
                text = seed_text.reply_text(rng)
                replies.append(
                    Comment(
                        post_id=comment.post_id,
                        author_id=authors_of[comment.post_id],
                        parent_id=comment.pk,
                        reply_to_id=comment.author_id,
                        text=text,
                        text_html=render_html(text),
                    )
                )
        Comment.objects.bulk_create(replies, batch_size=BATCH)
        reply_counts = Counter(r.parent_id for r in replies)
        for comment in comments:
            comment.reply_count = reply_counts.get(comment.pk, 0)
        Comment.objects.bulk_update([c for c in comments if c.reply_count], ["reply_count"], batch_size=BATCH)

        # Counters and hot scores, as the services keep them.
        like_counts = Counter(p for p, _ in likes)
        favourite_counts = Counter(p for p, _ in favourites)
        comment_counts = Counter(c.post_id for c in comments) + Counter(r.post_id for r in replies)
        for post in live:
            post.like_count = like_counts.get(post.pk, 0)
            post.favourite_count = favourite_counts.get(post.pk, 0)
            post.comment_count = comment_counts.get(post.pk, 0)
            post.share_count = post.favourite_count // 3
            post.hot_score = hot_score(
                likes=post.like_count,
                comments=post.comment_count,
                favourites=post.favourite_count,
                shares=post.share_count,
                published_at=post.published_at,
            )
        Post.objects.bulk_update(
            live, ["like_count", "favourite_count", "comment_count", "share_count", "hot_score"], batch_size=BATCH
        )
        topic_posts = Counter(t.pk for p, ts, _ in plans if p.status == ContentStatus.PUBLISHED for t in ts)
        for topic in topics:
            Topic.objects.filter(pk=topic.pk).update(
                post_count=F("post_count") + topic_posts.get(topic.pk, 0),
                follower_count=sum(1 for _, t in topic_follows if t == topic.pk),
            )
        circle_posts = Counter(p.circle_id for p in live if p.circle_id)
        circle_members = Counter(c for _, c in memberships | moderators)
        for circle in circles:
            Circle.objects.filter(pk=circle.pk).update(
                post_count=F("post_count") + circle_posts.get(circle.pk, 0),
                member_count=circle_members.get(circle.pk, 0),
            )
    written = time.perf_counter() - started

    from shequ.search.services import search_index

    search_index(doc_type="post", object_ids=[p.pk for p in live])
    ctx.log(f"    community written in {written:.1f}s, indexed in {time.perf_counter() - started - written:.1f}s")
    return {
        "posts": len(plans),
        "comments": len(comments) + len(replies),
        "likes": len(likes),
        "follows": len(follows),
        "topics": len(topics),
        "circles": len(circles),
    }
