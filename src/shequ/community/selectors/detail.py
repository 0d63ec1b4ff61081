"""Everything the post page shows, in a fixed number of indexed queries (the page's p95 budget is 50 ms at a
million posts): the post with author, privacy and circle (1), block/follow checks (≤ 2), images, product
tags (2), topics, badges, the viewer's like and favourite (≤ 5), and the first page of comments (≤ 4)."""

from __future__ import annotations

from dataclasses import dataclass

from shequ.community.conf import community_setting
from shequ.community.models import Post
from shequ.community.selectors.cards import PostCard, cards_for_posts
from shequ.community.selectors.circles import is_circle_moderator
from shequ.community.selectors.comments import CommentPage, comment_page
from shequ.community.selectors.posts import access_post_for_viewer


@dataclass
class PostDetail:
    post: Post
    card: PostCard
    comments: CommentPage
    is_author: bool
    can_moderate: bool


def post_detail(*, post_id, viewer, page: int = 1) -> PostDetail:
    """The post page's data for ``viewer``; NotFound when they may not see the post."""
    post = access_post_for_viewer(post_id=post_id, viewer=viewer)
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    card = cards_for_posts(posts=[post], viewer_id=viewer_id)[0]
    comments = comment_page(post=post, viewer=viewer, page=page, page_size=community_setting("COMMENTS_PAGE_SIZE"))
    can_moderate = bool(viewer_id) and (
        getattr(viewer, "is_staff", False) or is_circle_moderator(circle_id=post.circle_id, user_id=viewer_id)
    )
    return PostDetail(
        post=post, card=card, comments=comments, is_author=viewer_id == post.author_id, can_moderate=can_moderate
    )
