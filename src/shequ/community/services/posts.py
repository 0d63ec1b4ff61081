"""Posts: create (text, photos, video, product tags, #topics#, @mentions; or as a draft), publish a draft,
edit (the earlier text goes to the history), delete, hide (moderation), feature.

Every input is checked — text, photos, video, products, circle — before the one transaction that stores the
post, so bad input stores nothing. Counters on topics and circles move only when a post enters or leaves
the published state. Events (``post.published``, ``post.removed``) and notifications go out on commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from shequ.accounts.selectors import users_by_nicknames
from shequ.analytics.services import track
from shequ.community.conf import community_setting
from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.hotness import hot_score_expression
from shequ.community.markup import parse_mentions, parse_topics, render_html
from shequ.community.media import PreparedImage, images_prepare, video_prepare, video_url_clean
from shequ.community.models import (
    Circle,
    ContentStatus,
    Post,
    PostImage,
    PostProduct,
    PostRevision,
    Topic,
    Visibility,
)
from shequ.community.selectors.circles import is_circle_moderator
from shequ.community.selectors.posts import post_visible_to
from shequ.community.services.common import excerpt, notify_user, rate_limit, text_checked
from shequ.community.social import selectors as social
from shequ.core.cache import incr_with_expiry
from shequ.core.domain_events import publish
from shequ.core.errors import Forbidden, InvalidInput

MENTION_TITLE = gettext_noop("%(actor)s mentioned you")
HIDDEN_TITLE = gettext_noop("Your post was hidden: %(reason)s")


@dataclass
class _Checked:
    text: str
    visibility: str
    product_ids: list[int]
    video_url: str
    images: list[PreparedImage]
    video: object
    circle: Circle | None


# --- checks (no writes) -----------------------------------------------------------------------------------


def _visibility_checked(value: str) -> str:
    if value not in Visibility.values:
        raise InvalidInput(
            Code.VISIBILITY_INVALID,
            _("Choose who can see this post."),
            details={"field": "visibility", "allowed": list(Visibility.values)},
        )
    return value


def _products_checked(product_ids) -> list[int]:
    from shequ.catalog.selectors import product_cards

    try:
        ids = list(dict.fromkeys(int(i) for i in product_ids or ()))
    except (TypeError, ValueError):
        raise InvalidInput(
            Code.PRODUCT_INVALID, _("Tag products from our shop."), details={"field": "product_ids"}
        ) from None
    max_products = community_setting("MAX_PRODUCTS")
    if len(ids) > max_products:
        raise InvalidInput(
            Code.TOO_MANY_PRODUCTS,
            _("Tag at most %(count)d products.") % {"count": max_products},
            details={"field": "product_ids", "max": max_products},
        )
    if ids:
        found = set(product_cards().filter(pk__in=ids).values_list("pk", flat=True))
        if found != set(ids):
            raise InvalidInput(
                Code.PRODUCT_INVALID,
                _("A tagged product does not exist or is not on sale."),
                details={"field": "product_ids", "unknown": sorted(set(ids) - found)},
            )
    return ids


def _circle_checked(circle_id, *, author) -> Circle | None:
    from shequ.community.selectors.circles import circle_get, circle_role

    if circle_id in (None, "", 0):
        return None
    circle = circle_get(key=circle_id)
    if circle_role(circle_id=circle.pk, user_id=author.pk) is None:
        raise Forbidden(Code.NOT_A_MEMBER, _("Join the circle to post in it."), details={"field": "circle_id"})
    return circle


def _has_content(text: str, *, images: int, video: bool) -> bool:
    return bool(text) or images > 0 or video


def _text_required() -> InvalidInput:
    return InvalidInput(Code.TEXT_REQUIRED, _("Write something or add a photo."), details={"field": "text"})


# --- shared write steps ----------------------------------------------------------------------------------


def _topic_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:50] or "topic"
    slug, n = base, 1
    while Topic.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _topics_get_or_create(names: list[str], *, user_id: int) -> list[Topic]:
    if not names:
        return []
    existing = {t.name.lower(): t for t in Topic.objects.filter(name__in=names)}
    topics = []
    for name in names:
        topic = existing.get(name.lower())
        if topic is None:
            with transaction.atomic():  # a concurrent first use of the same name: take theirs
                topic, _created = Topic.objects.get_or_create(
                    name=name, defaults={"slug": _topic_slug(name), "created_by_id": user_id}
                )
        topics.append(topic)
    return topics


def mentioned_users(text: str, *, author) -> list:
    names = parse_mentions(text, limit=community_setting("MAX_MENTIONS"))
    found = users_by_nicknames(nicknames=names)
    return [found[n.lower()] for n in names if n.lower() in found and found[n.lower()].pk != author.pk]


def _sync_text(post: Post, text: str, *, author) -> tuple[list[Topic], list]:
    """Set text, topics, mentions and the rendered HTML; return (topics, mentioned users)."""
    topics = _topics_get_or_create(parse_topics(text, limit=community_setting("MAX_TOPICS")), user_id=author.pk)
    mentioned = mentioned_users(text, author=author)
    post.text = text
    post.text_html = render_html(
        text,
        topics={t.name.lower(): t.slug for t in topics},
        mentions={u.nickname.lower(): u.pk for u in mentioned},
    )
    return topics, mentioned


def _store_images(post: Post, images: list[PreparedImage], *, start: int = 0) -> None:
    for position, prepared in enumerate(images, start=start):
        record = PostImage(post=post, width=prepared.width, height=prepared.height, position=position)
        record.image.save(prepared.image.name, prepared.image, save=False)
        record.thumbnail.save(prepared.thumbnail.name, prepared.thumbnail, save=False)
        record.save()


def _set_products(post: Post, product_ids: list[int]) -> None:
    PostProduct.objects.filter(post=post).exclude(product_id__in=product_ids).delete()
    existing = set(PostProduct.objects.filter(post=post).values_list("product_id", flat=True))
    PostProduct.objects.bulk_create(
        [PostProduct(post=post, product_id=pid, position=n) for n, pid in enumerate(product_ids) if pid not in existing]
    )
    for n, pid in enumerate(product_ids):
        PostProduct.objects.filter(post=post, product_id=pid).exclude(position=n).update(position=n)


def post_hot_score_refresh(*, post_id: int, published_at) -> None:
    """Recompute the hot score from the row's current counters (see hotness.py)."""
    Post.objects.filter(pk=post_id).update(hot_score=hot_score_expression(published_at))


def _counts_move(*, topic_ids, circle_id: int | None, delta: int) -> None:
    topic_ids = list(topic_ids)
    if delta > 0:
        if topic_ids:
            Topic.objects.filter(pk__in=topic_ids).update(post_count=F("post_count") + delta)
        if circle_id:
            Circle.objects.filter(pk=circle_id).update(post_count=F("post_count") + delta)
    else:
        if topic_ids:
            Topic.objects.filter(pk__in=topic_ids, post_count__gt=0).update(post_count=F("post_count") - 1)
        if circle_id:
            Circle.objects.filter(pk=circle_id, post_count__gt=0).update(post_count=F("post_count") - 1)


def _post_link(post: Post) -> str:
    return reverse("community:post", args=[post.pk])


def _notify_mentions(post: Post, users: list, *, actor) -> None:
    blocked = social.blocked_user_ids(user_id=actor.pk)
    for user in users:
        if user.pk in blocked or not post_visible_to(post=post, viewer=user.pk):
            continue
        notify_user(
            user_id=user.pk,
            kind="mention",
            title_msgid=MENTION_TITLE,
            params={"actor": actor.nickname, "post_id": post.pk},
            body=excerpt(post.text, 80),
            link=_post_link(post),
            group_key=f"mention:post:{post.pk}",
            actor_id=actor.pk,
        )


def _went_live(post: Post, *, topics: list[Topic], mentioned: list, author) -> None:
    """A post just became published: counters, score, mentions, the event."""
    _counts_move(topic_ids=[t.pk for t in topics], circle_id=post.circle_id, delta=1)
    post_hot_score_refresh(post_id=post.pk, published_at=post.published_at)
    _notify_mentions(post, mentioned, actor=author)
    product_ids = list(post.product_tags.values_list("product_id", flat=True))
    publish(
        "post.published",
        post_id=post.pk,
        user_id=post.author_id,
        image_count=post.images.count(),
        product_ids=product_ids,
        circle_id=post.circle_id,
    )
    track(
        author,
        "post_published",
        {"post_id": post.pk, "images": post.images.count(), "products": len(product_ids), "circle_id": post.circle_id},
    )


def _went_away(post: Post, *, by: str) -> None:
    """A published post left the published state."""
    topic_ids = list(post.topics.values_list("pk", flat=True))
    _counts_move(topic_ids=topic_ids, circle_id=post.circle_id, delta=-1)
    publish("post.removed", post_id=post.pk, user_id=post.author_id, by=by)


# --- use cases -------------------------------------------------------------------------------------------


def post_create(
    *,
    author,
    text: str,
    images: list[UploadedFile] | tuple = (),
    video_url: str = "",
    product_ids=(),
    circle_id: int | None = None,
    visibility: str = Visibility.PUBLIC,
    draft: bool = False,
    video: UploadedFile | None = None,
) -> Post:
    """Write a post (or save it as a draft). Everything is checked before anything is stored."""
    rate_limit(user_id=author.pk, action="post", limit=community_setting("POSTS_PER_HOUR"), window=3600)
    checked = _Checked(
        text=text_checked(text, field="text", max_setting="POST_MAX_CHARS", too_long_code=Code.TEXT_TOO_LONG),
        visibility=_visibility_checked(visibility),
        product_ids=_products_checked(product_ids),
        video_url=video_url_clean(video_url),
        images=[],
        video=None,
        circle=_circle_checked(circle_id, author=author),
    )
    checked.images = images_prepare(list(images or []))
    checked.video = video_prepare(video) if video else None
    if not _has_content(checked.text, images=len(checked.images), video=bool(checked.video or checked.video_url)):
        raise _text_required()
    now = timezone.now()
    with transaction.atomic():
        post = Post(
            author=author,
            status=ContentStatus.DRAFT if draft else ContentStatus.PUBLISHED,
            visibility=checked.visibility,
            circle=checked.circle,
            video_url=checked.video_url,
            published_at=None if draft else now,
        )
        topics, mentioned = _sync_text(post, checked.text, author=author)
        if checked.video:
            post.video_file.save(checked.video.name, checked.video, save=False)
        post.save()
        post.topics.set(topics)
        post.mentions.set(mentioned)
        _store_images(post, checked.images)
        _set_products(post, checked.product_ids)
        if draft:
            track(author, "post_draft_saved", {"post_id": post.pk})
        else:
            _went_live(post, topics=topics, mentioned=mentioned, author=author)
    post.refresh_from_db()
    return post


def _own(post: Post, user) -> None:
    if post.author_id != user.pk:
        raise Forbidden(Code.NOT_AUTHOR, _("Only the author can do this."))


def post_update(
    *,
    post: Post,
    user,
    text: str | None = None,
    visibility: str | None = None,
    product_ids=None,
    video_url: str | None = None,
    add_images: list[UploadedFile] | tuple = (),
    remove_image_ids=(),
) -> Post:
    """Edit one's own post (or draft); the text before the edit goes to the history."""
    _own(post, user)
    if post.status in (ContentStatus.DELETED, ContentStatus.HIDDEN):
        raise Forbidden(Code.NOT_PUBLISHED, _("This post can no longer be edited."))
    new_text = (
        text_checked(text, field="text", max_setting="POST_MAX_CHARS", too_long_code=Code.TEXT_TOO_LONG)
        if text is not None
        else post.text
    )
    new_visibility = _visibility_checked(visibility) if visibility is not None else post.visibility
    new_products = _products_checked(product_ids) if product_ids is not None else None
    new_video_url = video_url_clean(video_url) if video_url is not None else post.video_url
    remove_ids = {int(i) for i in remove_image_ids or () if str(i).isdigit()}
    kept = post.images.exclude(pk__in=remove_ids).count()
    max_images = community_setting("MAX_IMAGES")
    if kept + len(add_images or ()) > max_images:
        raise InvalidInput(
            Code.TOO_MANY_IMAGES,
            _("Attach at most %(count)d photos.") % {"count": max_images},
            details={"field": "images", "max": max_images},
        )
    prepared = images_prepare(list(add_images or []))
    if not _has_content(new_text, images=kept + len(prepared), video=bool(post.video_file or new_video_url)):
        raise _text_required()
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        published = post.status == ContentStatus.PUBLISHED
        old_topic_ids = set(post.topics.values_list("pk", flat=True))
        old_mention_ids = set(post.mentions.values_list("pk", flat=True))
        text_changed = new_text != post.text
        if text_changed and published:
            PostRevision.objects.create(post=post, text=post.text)
        topics, mentioned = _sync_text(post, new_text, author=user)
        post.visibility = new_visibility
        post.video_url = new_video_url
        if published:
            post.edited_at = timezone.now()
        post.save()
        post.topics.set(topics)
        post.mentions.set(mentioned)
        if remove_ids:
            post.images.filter(pk__in=remove_ids).delete()
        if prepared:
            _store_images(post, prepared, start=kept)
        if new_products is not None:
            _set_products(post, new_products)
        if published:
            new_topic_ids = {t.pk for t in topics}
            _counts_move(topic_ids=new_topic_ids - old_topic_ids, circle_id=None, delta=1)
            _counts_move(topic_ids=old_topic_ids - new_topic_ids, circle_id=None, delta=-1)
            _notify_mentions(post, [u for u in mentioned if u.pk not in old_mention_ids], actor=user)
        track(user, "post_edited", {"post_id": post.pk, "text_changed": text_changed, "published": published})
        if published:  # search re-indexes it, feeds drop stale cards
            publish("post.updated", post_id=post.pk, user_id=post.author_id)
    post.refresh_from_db()
    return post


def post_publish(*, post: Post, user) -> Post:
    """Publish one's own draft."""
    _own(post, user)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status != ContentStatus.DRAFT:
            raise InvalidInput(Code.ALREADY_PUBLISHED, _("This post is not a draft."))
        rate_limit(user_id=user.pk, action="post", limit=community_setting("POSTS_PER_HOUR"), window=3600)
        post.status = ContentStatus.PUBLISHED
        post.published_at = timezone.now()
        post.save(update_fields=["status", "published_at", "updated_at"])
        _went_live(post, topics=list(post.topics.all()), mentioned=list(post.mentions.all()), author=user)
    post.refresh_from_db()
    return post


def post_delete(*, post: Post, user) -> None:
    """Delete one's own post (kept as a row so comments and reports keep their target)."""
    if post.author_id != user.pk and not user.is_staff:
        raise Forbidden(Code.NOT_AUTHOR, _("Only the author can do this."))
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status == ContentStatus.DELETED:
            return
        was_published = post.status == ContentStatus.PUBLISHED
        post.status = ContentStatus.DELETED
        post.save(update_fields=["status", "updated_at"])
        by = "author" if post.author_id == user.pk else "moderation"
        if was_published:
            _went_away(post, by=by)
        track(user, "post_deleted", {"post_id": post.pk, "by": by})


def post_hide(*, post: Post, moderator, reason: str) -> Post:
    """Hide a post (operators everywhere, circle moderators in their circle); the author is told why."""
    if not (moderator.is_staff or is_circle_moderator(circle_id=post.circle_id, user_id=moderator.pk)):
        raise Forbidden(Code.NOT_MODERATOR, _("Only moderators can hide posts."))
    reason = " ".join((reason or "").split())[:200]
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status != ContentStatus.PUBLISHED:
            return post
        post.status = ContentStatus.HIDDEN
        post.hidden_reason = reason
        post.save(update_fields=["status", "hidden_reason", "updated_at"])
        _went_away(post, by="moderation")
        notify_user(
            user_id=post.author_id,
            kind="moderation",
            title_msgid=HIDDEN_TITLE,
            params={"reason": reason or "-", "post_id": post.pk},
            link=_post_link(post),
            group_key="",
            actor_id=moderator.pk,
        )
        track(moderator, "post_hidden", {"post_id": post.pk, "circle_id": post.circle_id})
    return post


def post_restore(*, post: Post, moderator) -> Post:
    """Operators: show a hidden post again."""
    if not moderator.is_staff:
        raise Forbidden(Code.NOT_MODERATOR, _("Only moderators can do this."))
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status != ContentStatus.HIDDEN:
            return post
        post.status = ContentStatus.PUBLISHED
        post.hidden_reason = ""
        post.save(update_fields=["status", "hidden_reason", "updated_at"])
        _counts_move(topic_ids=post.topics.values_list("pk", flat=True), circle_id=post.circle_id, delta=1)
        track(moderator, "post_restored", {"post_id": post.pk})
    return post


def post_feature_set(*, post: Post, operator, featured: bool) -> None:
    """Operators: feature (or stop featuring) a post."""
    if not operator.is_staff:
        raise Forbidden(Code.NOT_MODERATOR, _("Only operators can do this."))
    Post.objects.filter(pk=post.pk).update(is_featured=featured)


def post_view_record(*, post: Post, viewer, via: str = "web", counted: int | None = None) -> None:
    """Count a view (batched in the cache: the row is written once per ``VIEW_FLUSH`` views) and track it.
    ``counted``: the counter after this view, when the caller has already added it (the post page does, in the
    round trip that reads its cached parts: ``view_counter_key``)."""
    from django.core.cache import cache

    key = view_counter_key(post.pk)
    count = counted if counted is not None else incr_with_expiry(key, VIEW_COUNTER_SECONDS)
    if count >= VIEW_FLUSH:
        cache.delete(key)
        Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + count)
    subject = viewer if getattr(viewer, "is_authenticated", False) else None
    track(subject, "post_viewed", {"post_id": post.pk, "author_id": post.author_id, "via": via})


VIEW_FLUSH = 10
VIEW_COUNTER_SECONDS = 24 * 3600


def view_counter_key(post_id: int) -> str:
    """The cache counter of a post's views not yet written to its row."""
    return f"community:views:{post_id}"
