"""API shapes for community content. Text limits are enforced by the services (400 ``text_too_long``); the
schema caps only what is absurd so a huge body is refused before any parsing."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class BadgeOut(Schema):
    kind: str
    label: str


class AuthorOut(Schema):
    id: int
    nickname: str
    avatar_url: str
    badges: list[BadgeOut]


class ImageOut(Schema):
    url: str
    thumbnail_url: str


class ProductTagOut(Schema):
    id: int
    slug: str
    name: str
    url: str
    thumb_url: str


class TopicOut(Schema):
    id: int
    name: str
    slug: str
    description: str = ""
    is_challenge: bool = False
    prize: str = ""
    deadline: datetime | None = None
    post_count: int = 0


class CircleOut(Schema):
    id: int
    name: str
    slug: str
    description: str = ""
    is_official: bool = False
    member_count: int = 0
    post_count: int = 0
    role: str | None = None


class PostOut(Schema):
    id: int
    url: str
    author: AuthorOut
    text: str
    text_html: str
    status: str
    visibility: str
    published_at: datetime | None
    edited_at: datetime | None
    images: list[ImageOut]
    products: list[ProductTagOut]
    topics: list[TopicOut]
    circle: CircleOut | None
    video_url: str
    video_file_url: str
    like_count: int
    comment_count: int
    favourite_count: int
    share_count: int
    view_count: int
    hot_score: float
    liked: bool
    favourited: bool


class PostPageOut(Schema):
    items: list[PostOut]
    page: int
    has_next: bool


class PostCreateIn(Schema):
    """Multipart form fields (photos as ``images``, a video file as ``video``); ``product_ids`` comma-separated."""

    text: str = Field("", max_length=50_000)
    visibility: str = Field("public", max_length=16)
    video_url: str = Field("", max_length=2000)
    product_ids: str = Field("", max_length=200, examples=["12,34"])
    circle_id: int | None = None
    draft: bool = False

    def product_id_list(self) -> list[str]:
        return [p.strip() for p in self.product_ids.split(",") if p.strip()]


class PostUpdateIn(Schema):
    text: str | None = Field(None, max_length=50_000)
    visibility: str | None = Field(None, max_length=16)
    video_url: str | None = Field(None, max_length=2000)
    product_ids: list[int] | None = Field(None, max_length=50)
    remove_image_ids: list[int] = Field(default_factory=list, max_length=50)


class HideIn(Schema):
    reason: str = Field("", max_length=200)


class RevisionOut(Schema):
    text: str
    created_at: datetime


class CommentIn(Schema):
    text: str = Field(..., max_length=20_000)
    reply_to_id: int | None = None


class CommentOut(Schema):
    id: int
    post_id: int
    author: AuthorOut
    text: str
    text_html: str
    reply_to: AuthorOut | None = None
    parent_id: int | None
    like_count: int
    reply_count: int
    liked: bool
    created_at: datetime
    replies: list[CommentOut] = Field(default_factory=list)


class CommentPageOut(Schema):
    items: list[CommentOut]
    page: int
    has_next: bool
    total: int


class LikeOut(Schema):
    liked: bool
    like_count: int


class FavouriteOut(Schema):
    favourited: bool
    favourite_count: int


class ShareIn(Schema):
    channel: str = Field("copy", max_length=20)


class ShareOut(Schema):
    code: str
    url: str
