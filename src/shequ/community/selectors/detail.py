"""Everything the post page shows. The page's p95 budget is 50 ms with 32 clients on two cores, i.e. a couple of
milliseconds of CPU, so what does not change from one viewer to the next is cached:

* Fresh for every request, in ONE query (``feed_state.post_states``): may this viewer see the post (status,
  visibility, the author's privacy setting, blocks, follows), its counters and views, the viewer's like and
  favourite, and the post's version (``updated_at``).
* Cached per post version and language (``CARD_TTL``): the post with its circle and images, product tags,
  topics and the author's badges. The author is kept as nickname and avatar only (never the User row). An
  edit, publish, hide or delete changes the version, so it shows at once; the author's nickname, avatar and
  badges and the products' names may be up to ``CARD_TTL`` old.
* Comments: see ``comments.comment_page`` (cached per post and comment count; the viewer's likes per request).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.cache import cache
from django.utils.translation import get_language

from shequ.community.conf import community_setting
from shequ.community.feed_state import PostState, post_states, visible_on_page
from shequ.community.models import Circle, Post
from shequ.community.selectors.cards import PostCard, cards_for_posts
from shequ.community.selectors.circles import is_circle_moderator
from shequ.community.selectors.comments import CommentPage, comment_page, light_user
from shequ.community.selectors.posts import post_not_found

_DETAIL_KEY = "community:detail:v1:{lang}:{pk}:{version}"
DETAIL_TTL = 600


@dataclass
class PostDetail:
    post: Post
    card: PostCard
    comments: CommentPage
    is_author: bool
    can_moderate: bool


def _cached_post(state: PostState) -> tuple[Post, PostCard]:
    key = _DETAIL_KEY.format(lang=get_language() or "", pk=state.id, version=state.version)
    found = cache.get(key)
    if isinstance(found, tuple):
        return found
    post, card = load_post(state.id)
    cache.set(key, (post, card), DETAIL_TTL)
    return post, card


def _post_queryset():
    """The post with its circle and, of its author, only what is kept (nickname, avatar): the User row has
    ~30 columns, and this query is most of the cost of a post page that is not cached yet."""
    fields = [f.name for f in Post._meta.concrete_fields]
    circle = [f"circle__{f.name}" for f in Circle._meta.concrete_fields]
    return Post.objects.select_related("author", "circle").only(*fields, *circle, "author__nickname", "author__avatar")


def load_post(pk: int) -> tuple[Post, PostCard]:
    """The post and its card (images, products, topics, badges) from the database, the author lightened (safe
    to cache); NotFound when there is no such post."""
    post = _post_queryset().filter(pk=pk).first()
    if post is None:
        raise post_not_found()
    card = cards_for_posts(posts=[post], viewer_id=None)[0]
    author = light_user(post.author)
    post.author = author
    return post, replace(card, author=author)


def post_detail(*, post_id, viewer, page: int = 1) -> PostDetail:
    """The post page's data for ``viewer``; NotFound when they may not see the post."""
    try:
        pk = int(post_id)
    except (TypeError, ValueError):
        raise post_not_found() from None
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    state = post_states(post_ids=[pk], viewer_id=viewer_id).get(pk)
    if state is None or not visible_on_page(state, viewer_id=viewer_id):
        raise post_not_found()
    post, card = _cached_post(state)
    counters = {
        "status": state.status,
        "visibility": state.visibility,
        "like_count": state.like_count,
        "comment_count": state.comment_count,
        "favourite_count": state.favourite_count,
        "share_count": state.share_count,
    }
    for field, value in counters.items():
        setattr(post, field, value)
    post.view_count = state.view_count
    card = replace(card, **counters, view_count=state.view_count, liked=state.liked, favourited=state.favourited)
    comments = comment_page(post=post, viewer=viewer, page=page, page_size=community_setting("COMMENTS_PAGE_SIZE"))
    can_moderate = bool(viewer_id) and (
        getattr(viewer, "is_staff", False) or is_circle_moderator(circle_id=post.circle_id, user_id=viewer_id)
    )
    return PostDetail(
        post=post, card=card, comments=comments, is_author=viewer_id == post.author_id, can_moderate=can_moderate
    )
