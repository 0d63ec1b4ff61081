"""Generate a large community for the feed benchmark: 100,000 users and 1,000,000 posts by default.

Around them: follows (a long-tailed graph: a few accounts with tens of thousands of followers, most with a
handful), topic follows, circle memberships, post images, topics, product tags, comments and likes; post
texts come from the same phrases as the demo seed (shequ.community.seed_text) around real product names.
Authorship is long-tailed too (a fifth of the users write most posts), publication times spread over a year,
and a few percent of posts are drafts, hidden, deleted, followers-only or private, so the feeds' filters do
real work. Counters and ``hot_score`` are filled in as the services would keep them.

Rows go in with PostgreSQL COPY (psycopg), table by table, with explicit ids; sequences are moved past them
at the end, then ANALYZE. Columns this script does not set get the model field's default, so it keeps working
when the models gain fields with defaults.

    createdb -h 127.0.0.1 -U postgres shequ_feeds
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_feeds REDIS_URL=redis://127.0.0.1:6379/9
    export SHEQU_DATA_DIR=/tmp/shequ-feeds
    shequ migrate
    python bench/generate_catalog.py --skus 3000 --images none --no-traceability
    python bench/generate_community.py
    python bench/community_feeds.py

Options: ``--users``, ``--posts``, ``--seed``, ``--append`` (allow a database that already has posts).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--database-url", help="Database to fill (default: $DATABASE_URL, which must be set).")
    parser.add_argument("--append", action="store_true", help="Allow a database that already has posts.")
    args = parser.parse_args(argv)
    if args.users < 10 or args.posts < 1:
        parser.error("need at least 10 users and 1 post")
    return args


class Copier:
    """COPY rows into a model's table; columns not given get the field default (prepared for the database)."""

    def __init__(self, connection):
        self.connection = connection

    def columns(self, model, given: list[str]) -> tuple[list[str], tuple]:
        now = datetime.now(UTC)
        rest, defaults = [], []
        for field in model._meta.concrete_fields:
            if field.attname in given or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_db_prep_save(field.get_default(), self.connection)
            rest.append(field.column)
            defaults.append(_adapt(value))
        return [model._meta.get_field(name).column for name in given] + rest, tuple(defaults)

    def copy(self, model, given: list[str], rows) -> int:
        columns, defaults = self.columns(model, given)
        table = model._meta.db_table
        count = 0
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor
            quoted = ", ".join(f'"{c}"' for c in columns)
            with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row + defaults)
                    count += 1
        return count

    def through(self, table: str, columns: list[str], rows) -> int:
        count = 0
        with self.connection.cursor() as cursor:
            quoted = ", ".join(f'"{c}"' for c in columns)
            with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count


def _adapt(value):
    from psycopg.types.json import Jsonb

    return Jsonb(value) if isinstance(value, dict | list) else value


def zipf_picker(rng: random.Random, n: int, exponent: float):
    """A function drawing 1..n with a long tail (rank r with probability ∝ 1/r^exponent), via a table."""
    weights = [1 / (r**exponent) for r in range(1, n + 1)]
    total = sum(weights)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w / total
        cumulative.append(acc)
    import bisect

    def pick() -> int:
        return min(n, bisect.bisect_left(cumulative, rng.random()) + 1)

    return pick


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.stderr.write("Needs a PostgreSQL DATABASE_URL (an empty database after `shequ migrate`).\n")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.config.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from shequ.accounts.models import PrivacySettings, User
    from shequ.catalog.models import Product, ProductStatus
    from shequ.community import seed_text
    from shequ.community.hotness import hot_score
    from shequ.community.markup import render_html
    from shequ.community.models import (
        Circle,
        CircleMembership,
        Comment,
        Post,
        PostImage,
        PostLike,
        PostProduct,
        Topic,
        TopicFollow,
        UserFollow,
    )

    if Post.objects.exists() and not args.append:
        sys.stderr.write("The database already has posts; use --append to add more anyway.\n")
        return 2
    rng = random.Random(args.seed)
    copier = Copier(connection)
    started = time.perf_counter()
    now = datetime.now(UTC)
    products = list(Product.objects.filter(status=ProductStatus.ON_SALE).values_list("id", "name")[:5000])
    if not products:
        print("  (no products: posts get no product tags; run bench/generate_catalog.py first for shoppable posts)")

    def step(name: str, count: int) -> None:
        print(f"  {name}: {count:,} rows ({time.perf_counter() - started:.0f}s)", flush=True)

    def max_id(model) -> int:
        return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    with transaction.atomic():
        # --- users -------------------------------------------------------------------------------------------
        first_user = max_id(User)
        user_ids = list(range(first_user, first_user + args.users))
        from shequ.accounts.seed import ADJECTIVES, NOUNS

        def users():
            for i, uid in enumerate(user_ids):
                nickname = f"{ADJECTIVES[i % len(ADJECTIVES)]}{NOUNS[(i // len(ADJECTIVES)) % len(NOUNS)]}{uid}"[-20:]
                joined = now - timedelta(days=400 + rng.random() * 600)
                yield (uid, "!", f"bench-feeds-{uid}", nickname, joined)

        step("users", copier.copy(User, ["id", "password", "phone_hash", "nickname", "date_joined"], users()))
        step("privacy", copier.copy(PrivacySettings, ["user_id"], ((uid,) for uid in user_ids)))

        # --- topics and circles ------------------------------------------------------------------------------
        first_topic = max_id(Topic)
        topic_names = [name for name, _ in seed_text.TOPICS]
        topic_names += [f"{name}{n}" for n in range(2, 16) for name, _ in seed_text.TOPICS]  # 300 topics
        topic_ids = list(range(first_topic, first_topic + len(topic_names)))
        copier.copy(
            Topic,
            ["id", "name", "slug", "description"],
            ((tid, name, f"t{tid}", "") for tid, name in zip(topic_ids, topic_names, strict=True)),
        )
        first_circle = max_id(Circle)
        circle_specs = [
            (f"{slug}-{n}", f"{name}{n if n > 1 else ''}") for n in range(1, 7) for slug, name, _ in seed_text.CIRCLES
        ]
        circle_ids = list(range(first_circle, first_circle + len(circle_specs)))
        copier.copy(
            Circle,
            ["id", "name", "slug", "description"],
            ((cid, name, slug, "") for cid, (slug, name) in zip(circle_ids, circle_specs, strict=True)),
        )
        step("topics and circles", len(topic_ids) + len(circle_ids))
        topic_slugs = {name.lower(): f"t{tid}" for tid, name in zip(topic_ids, topic_names, strict=True)}

        # --- the social graph ----------------------------------------------------------------------------------
        popular_user = zipf_picker(rng, len(user_ids), 0.9)
        follows_of: dict[int, list[int]] = {}

        def follows():
            for uid in user_ids:
                wanted = min(int(rng.lognormvariate(3.0, 0.9)) + 1, 800)
                chosen = {user_ids[popular_user() - 1] for _ in range(wanted)}
                chosen.discard(uid)
                follows_of[uid] = sorted(chosen)
                for followee in follows_of[uid]:
                    yield (uid, followee, now - timedelta(days=rng.random() * 300))

        step("user follows", copier.copy(UserFollow, ["follower_id", "followee_id", "created_at"], follows()))
        popular_topic = zipf_picker(rng, len(topic_ids), 1.0)

        def topic_follows():
            for uid in user_ids:
                for tid in {topic_ids[popular_topic() - 1] for _ in range(rng.choice((0, 0, 1, 2, 3, 5)))}:
                    yield (uid, tid)

        step("topic follows", copier.copy(TopicFollow, ["user_id", "topic_id"], topic_follows()))

        def memberships():
            for uid in user_ids:
                for cid in rng.sample(circle_ids, rng.choice((0, 0, 0, 1, 1, 2, 3))):
                    yield (cid, uid, "member")

        step("circle memberships", copier.copy(CircleMembership, ["circle_id", "user_id", "role"], memberships()))

        # --- posts ---------------------------------------------------------------------------------------------
        first_post = max_id(Post)
        author_pick = zipf_picker(rng, len(user_ids), 0.8)
        span = 365 * 86400
        post_topics: list[tuple[int, int]] = []
        post_products: list[tuple[int, int, int]] = []
        images: list[tuple[int, str, int, int, int]] = []
        published_posts: list[int] = []
        start_time = now - timedelta(seconds=span)

        def posts():
            for i in range(args.posts):
                pid = first_post + i
                author = user_ids[author_pick() - 1]
                published = start_time + timedelta(seconds=span * (i + rng.random()) / args.posts)
                roll = rng.random()
                status = (
                    "draft" if roll < 0.01 else "hidden" if roll < 0.02 else "deleted" if roll < 0.03 else "published"
                )
                roll = rng.random()
                visibility = "private" if roll < 0.02 else "followers" if roll < 0.07 else "public"
                topics = [topic_ids[popular_topic() - 1] for _ in range(rng.choice((0, 0, 1, 1, 1, 2)))]
                topics = list(dict.fromkeys(topics))
                names = [topic_names[t - first_topic] for t in topics]
                if products and rng.random() < 0.55:
                    tagged = rng.sample(products, rng.choice((1, 1, 1, 2)))
                    text = seed_text.product_post_text(rng, product_name=tagged[0][1], topics=names)
                    post_products.extend((pid, product_id, n) for n, (product_id, _) in enumerate(tagged))
                else:
                    text = seed_text.free_post_text(rng, topics=names)
                post_topics.extend((pid, t) for t in topics)
                for n in range(rng.choice((0, 1, 1, 2, 3, 4))):
                    images.append((pid, f"bench/post-{(pid + n) % 12}.jpg", 1080, 1080, n))
                likes = int(rng.paretovariate(1.3)) - 1
                comments = min(int(rng.paretovariate(1.6)) - 1, 200)
                favourites = likes // 5
                shares = likes // 20
                circle = rng.choice(circle_ids) if rng.random() < 0.15 else None
                score = hot_score(
                    likes=likes, comments=comments, favourites=favourites, shares=shares, published_at=published
                )
                if status == "published":
                    published_posts.append(pid)
                yield (
                    pid,
                    author,
                    text,
                    render_html(text, topics=topic_slugs),
                    status,
                    visibility,
                    circle,
                    None if status == "draft" else published,
                    min(likes, 100_000),
                    comments,
                    favourites,
                    shares,
                    likes * 7 + rng.randrange(50),
                    score,
                    published,
                    published,
                )

        count = copier.copy(
            Post,
            [
                *("id", "author_id", "text", "text_html", "status", "visibility", "circle_id", "published_at"),
                *("like_count", "comment_count", "favourite_count", "share_count", "view_count", "hot_score"),
                *("created_at", "updated_at"),
            ],
            posts(),
        )
        step("posts", count)
        through = Post.topics.through
        step(
            "post topics",
            copier.through(
                through._meta.db_table,
                [through._meta.get_field("post").column, through._meta.get_field("topic").column],
                iter(post_topics),
            ),
        )
        step("product tags", copier.copy(PostProduct, ["post_id", "product_id", "position"], iter(post_products)))
        step("images", copier.copy(PostImage, ["post_id", "image", "width", "height", "position"], iter(images)))

        # --- comments and likes on a sample of posts (the post page reads them) ------------------------------
        first_comment = max_id(Comment)  # not inside the generator: the connection is busy with COPY then

        def comments():
            cid = first_comment
            for pid in published_posts[:: max(1, len(published_posts) // 200_000)]:
                for _ in range(rng.choice((1, 2, 3, 5, 8))):
                    yield (cid, pid, user_ids[rng.randrange(len(user_ids))], seed_text.comment_text(rng), None)
                    cid += 1

        step("comments", copier.copy(Comment, ["id", "post_id", "author_id", "text", "parent_id"], comments()))

        def likes():
            seen: set[tuple[int, int]] = set()
            for pid in published_posts[:: max(1, len(published_posts) // 300_000)]:
                for _ in range(rng.choice((1, 2, 4))):
                    key = (pid, user_ids[rng.randrange(len(user_ids))])
                    if key not in seen:
                        seen.add(key)
                        yield key

        step("likes", copier.copy(PostLike, ["post_id", "user_id"], likes()))

        # --- counters as the services keep them ----------------------------------------------------------------
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{Topic._meta.db_table}" t SET post_count = c.n FROM (SELECT topic_id, count(*) n '  # noqa: S608
                f'FROM "{through._meta.db_table}" GROUP BY topic_id) c WHERE c.topic_id = t.id'
            )
            cursor.execute(
                f'UPDATE "{Topic._meta.db_table}" t SET follower_count = c.n FROM (SELECT topic_id, count(*) n '  # noqa: S608
                f'FROM "{TopicFollow._meta.db_table}" GROUP BY topic_id) c WHERE c.topic_id = t.id'
            )
            cursor.execute(
                f'UPDATE "{Circle._meta.db_table}" t SET member_count = c.n FROM (SELECT circle_id, count(*) n '  # noqa: S608
                f'FROM "{CircleMembership._meta.db_table}" GROUP BY circle_id) c WHERE c.circle_id = t.id'
            )
            for model in (User, Topic, Circle, Post, Comment, PostImage, PostProduct, PostLike, UserFollow):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"  # noqa: S608
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Done in {time.perf_counter() - started:.0f}s: {args.users:,} users, {args.posts:,} posts.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
