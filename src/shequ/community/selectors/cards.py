"""Posts as cards for lists and feeds, built in a fixed number of queries whatever the page size.

Feeds choose the ids (by hot score, time, following …) and call ``post_cards``; it loads the posts with their
authors and circles, then images, product tags, topics, badges and the viewer's likes and favourites with
one query each, drops posts the viewer may not see, and keeps the order of the ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse

from shequ.community.models import Favourite, Post, PostImage, PostLike, PostProduct, Topic, UserBadge
from shequ.community.selectors.badges import badges_by_user
from shequ.community.selectors.posts import effective_visibility, post_base_queryset
from shequ.community.social import selectors as social


@dataclass
class ProductTag:
    id: int
    slug: str
    name: str
    thumb_url: str
    price: object = None

    @property
    def url(self) -> str:
        return reverse("catalog:product", args=[self.slug])


@dataclass
class PostCard:
    id: int
    author: object
    text: str
    text_html: str
    status: str
    visibility: str
    published_at: datetime | None
    like_count: int
    comment_count: int
    favourite_count: int
    share_count: int
    view_count: int
    hot_score: float
    is_featured: bool
    video_url: str
    has_video: bool
    edited_at: datetime | None = None
    video_file_url: str = ""
    circle: object = None
    badges: list[UserBadge] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (thumbnail url, full url)
    products: list[ProductTag] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    liked: bool = False
    favourited: bool = False

    @property
    def url(self) -> str:
        return reverse("community:post", args=[self.id])

    @property
    def image_count(self) -> int:
        return len(self.images)

    @property
    def cover(self) -> str:
        return self.images[0][0] if self.images else ""


def _viewer_id(viewer) -> int | None:
    if viewer is None:
        return None
    if isinstance(viewer, int):
        return viewer
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def _file_url(f) -> str:
    try:
        return f.url if f else ""
    except ValueError:
        return ""


def product_tags_for_posts(*, post_ids: list[int]) -> dict[int, list[ProductTag]]:
    """The shop-visible products tagged in these posts, with a thumbnail, in two queries."""
    from shequ.catalog.models import ProductImage, ProductStatus

    rows = list(
        PostProduct.objects.filter(post_id__in=post_ids, product__status=ProductStatus.ON_SALE)
        .select_related("product")
        .order_by("post_id", "position", "id")
    )
    thumbs: dict[int, str] = {}
    if rows:
        images = ProductImage.objects.filter(product_id__in={r.product_id for r in rows}).order_by(
            "product_id", "position", "id"
        )
        for image in images:
            thumbs.setdefault(image.product_id, _file_url(image.thumbnail) or _file_url(image.image))
    out: dict[int, list[ProductTag]] = defaultdict(list)
    for row in rows:
        product = row.product
        out[row.post_id].append(
            ProductTag(
                id=product.pk,
                slug=product.slug,
                name=product.t("name") if hasattr(product, "t") else product.name,
                thumb_url=thumbs.get(product.pk, ""),
                price=product.price_min,
            )
        )
    return out


def filter_visible(posts: list[Post], *, viewer_id: int | None) -> list[Post]:
    """Drop posts this viewer may not see, with at most two queries (blocks, follows) for the whole list."""
    blocked: set[int] = social.blocked_user_ids(user_id=viewer_id) if viewer_id else set()
    following: set[int] | None = None
    visible = []
    for post in posts:
        if viewer_id is not None and post.author_id == viewer_id:
            visible.append(post)
            continue
        if post.status != "published" or post.author_id in blocked:
            continue
        visibility = effective_visibility(post)
        if visibility == "followers":
            if viewer_id is None:
                continue
            if following is None:
                following = set(social.following_user_ids(user_id=viewer_id))
            if post.author_id not in following:
                continue
        elif visibility != "public":
            continue
        visible.append(post)
    return visible


def post_cards(*, post_ids: list[int], viewer=None) -> list[PostCard]:
    """Cards for these posts in the given order, without the ones ``viewer`` may not see."""
    ids = [int(i) for i in post_ids]
    if not ids:
        return []
    viewer_id = _viewer_id(viewer)
    by_id = {post.pk: post for post in post_base_queryset().filter(pk__in=ids)}
    posts = filter_visible([by_id[i] for i in dict.fromkeys(ids) if i in by_id], viewer_id=viewer_id)
    return cards_for_posts(posts=posts, viewer_id=viewer_id)


def cards_for_posts(*, posts: list[Post], viewer_id: int | None) -> list[PostCard]:
    """Cards for posts already loaded (with author and circle) and already checked for visibility."""
    if not posts:
        return []
    visible_ids = [post.pk for post in posts]
    images: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for image in PostImage.objects.filter(post_id__in=visible_ids).order_by("post_id", "position", "id"):
        images[image.post_id].append((_file_url(image.thumbnail) or _file_url(image.image), _file_url(image.image)))
    products = product_tags_for_posts(post_ids=visible_ids)
    topics: dict[int, list[Topic]] = defaultdict(list)
    through = Post.topics.through.objects.filter(post_id__in=visible_ids).select_related("topic").order_by("id")
    for link in through:
        topics[link.post_id].append(link.topic)
    badges = badges_by_user(user_ids={post.author_id for post in posts})
    liked: set[int] = set()
    favourited: set[int] = set()
    if viewer_id is not None:
        liked = set(
            PostLike.objects.filter(user_id=viewer_id, post_id__in=visible_ids).values_list("post_id", flat=True)
        )
        favourited = set(
            Favourite.objects.filter(user_id=viewer_id, post_id__in=visible_ids).values_list("post_id", flat=True)
        )
    return [
        PostCard(
            id=post.pk,
            author=post.author,
            text=post.text,
            text_html=post.text_html,
            status=post.status,
            visibility=post.visibility,
            published_at=post.published_at,
            like_count=post.like_count,
            comment_count=post.comment_count,
            favourite_count=post.favourite_count,
            share_count=post.share_count,
            view_count=post.view_count,
            hot_score=post.hot_score,
            is_featured=post.is_featured,
            video_url=post.video_url,
            has_video=bool(post.video_file or post.video_url),
            edited_at=post.edited_at,
            video_file_url=_file_url(post.video_file),
            circle=post.circle,
            badges=badges.get(post.author_id, []),
            images=images.get(post.pk, []),
            products=products.get(post.pk, []),
            topics=topics.get(post.pk, []),
            liked=post.pk in liked,
            favourited=post.pk in favourited,
        )
        for post in posts
    ]
