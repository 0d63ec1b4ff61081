"""The community: posts (with photos, video and product tags), comments, reactions, topics, circles,
follows, blocks, badges and share links.

Counters on Post (likes, comments, favourites, shares, views) and ``hot_score`` are denormalised and
updated with F() expressions by the services, so feeds sort and render without aggregating. Deleted and
hidden content stays as a row (status) so that comments, reports and moderation history keep their target.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.core.models import TimeStampedModel

User = settings.AUTH_USER_MODEL


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by moderation")
    DELETED = "deleted", _("Deleted")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    FOLLOWERS = "followers", _("My followers")
    PRIVATE = "private", _("Only me")


class Topic(TimeStampedModel):
    """A hashtag (#早餐打卡#); operators can turn one into a challenge with a prize and a deadline."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    cover = models.ImageField(_("cover"), upload_to="topics/", blank=True)
    is_challenge = models.BooleanField(_("challenge"), default=False)
    prize = models.CharField(_("prize"), max_length=200, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    post_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["-post_count"], name="community_topic_popular")]

    def __str__(self) -> str:
        return f"#{self.name}"


class Circle(TimeStampedModel):
    """An interest group (兴趣圈层): members, moderators and its own feed."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    cover = models.ImageField(_("cover"), upload_to="circles/", blank=True)
    is_official = models.BooleanField(_("official"), default=False)
    member_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("circle")
        verbose_name_plural = _("circles")

    def __str__(self) -> str:
        return self.name


class CircleRole(models.TextChoices):
    MEMBER = "member", _("Member")
    MODERATOR = "moderator", _("Moderator")


class CircleMembership(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="circle_memberships")
    role = models.CharField(max_length=10, choices=CircleRole.choices, default=CircleRole.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["circle", "user"], name="community_circle_member_unique")]
        indexes = [models.Index(fields=["user", "-joined_at"], name="community_member_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.circle_id}"


_FEED_SHARED = Q(status=ContentStatus.PUBLISHED) & ~Q(visibility=Visibility.PRIVATE)
_FEED_PUBLIC = Q(status=ContentStatus.PUBLISHED, visibility=Visibility.PUBLIC)


class Post(TimeStampedModel):
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts", verbose_name=_("author"))
    text = models.TextField(_("text"), max_length=5000, blank=True)
    text_html = models.TextField(editable=False, blank=True, help_text="escaped text with topic/mention links")
    status = models.CharField(
        _("status"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    circle = models.ForeignKey(Circle, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts")
    topics = models.ManyToManyField(Topic, blank=True, related_name="posts")
    products = models.ManyToManyField("catalog.Product", through="PostProduct", blank=True, related_name="+")
    mentions = models.ManyToManyField(User, blank=True, related_name="mentioned_in")
    video_file = models.FileField(_("video"), upload_to="posts/videos/", blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    favourite_count = models.PositiveIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    hot_score = models.FloatField(default=0, help_text="time-decayed engagement, recomputed by the services")

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="community_post_latest"),
            models.Index(fields=["author", "status", "-published_at"], name="community_post_author"),
            models.Index(fields=["status", "-hot_score"], name="community_post_hot"),
            models.Index(fields=["circle", "status", "-published_at"], name="community_post_circle"),
            # Feeds (community/feeds.py; migration 0002_feed_indexes): keyset order with the id tiebreaker,
            # partial so that they only hold what the feeds can show.
            models.Index(fields=["-published_at", "-id"], name="community_feed_latest", condition=_FEED_PUBLIC),
            models.Index(fields=["-hot_score", "-id"], name="community_feed_hot", condition=_FEED_PUBLIC),
            models.Index(
                fields=["author", "-published_at", "-id"], name="community_feed_author", condition=_FEED_SHARED
            ),
            models.Index(
                fields=["circle", "-published_at", "-id"], name="community_feed_circle", condition=_FEED_PUBLIC
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.pk}"


class PostImage(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="posts/")
    thumbnail = models.ImageField(upload_to="posts/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class PostProduct(models.Model):
    """A product tagged in a post: the post becomes shoppable."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="product_tags")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="post_tags")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "product"], name="community_post_product_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.product_id}"


class PostRevision(models.Model):
    """The text before an edit (edit history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of {self.post_id}"


class Comment(TimeStampedModel):
    """A comment on a post; replies are one level deep (``parent``) and may answer someone (``reply_to``)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    reply_to = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("text"), max_length=1000)
    text_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    like_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["post", "parent", "status", "created_at"], name="community_comment_thread"),
            models.Index(fields=["author", "-created_at"], name="community_comment_author"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="community_post_like_unique")]
        indexes = [models.Index(fields=["user", "-created_at"], name="community_like_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.post_id}"


class CommentLike(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="community_comment_like_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ comment {self.comment_id}"


class Favourite(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="favourites")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="community_favourite_unique")]
        indexes = [models.Index(fields=["user", "-created_at"], name="community_fav_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ★ {self.post_id}"


class ShareLink(models.Model):
    """A share of a post (or product) by one person: the code in the link attributes visits and orders."""

    code = models.CharField(max_length=16, unique=True)
    sharer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="share_links")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="share_links")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=20, blank=True, help_text="wechat, moments, weibo, copy …")
    clicks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["sharer", "-created_at"], name="community_share_sharer")]

    def __str__(self) -> str:
        return self.code


class UserFollow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_links")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="community_follow_unique"),
            models.CheckConstraint(condition=~Q(follower=models.F("followee")), name="community_no_self_follow"),
        ]
        indexes = [models.Index(fields=["followee", "-created_at"], name="community_followers")]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followee_id}"


class TopicFollow(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="topic_follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="community_topic_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → #{self.topic_id}"


class Block(models.Model):
    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="community_block_unique"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="community_no_self_block"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class BadgeKind(models.TextChoices):
    OFFICIAL = "official", _("Official brand account")
    KOL = "kol", _("KOL")
    EXPERT = "expert", _("Expert")
    VERIFIED_BUYER = "verified_buyer", _("Verified buyer")


class UserBadge(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="badges")
    kind = models.CharField(_("badge"), max_length=16, choices=BadgeKind.choices)
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("e.g. 营养师, 美食博主"))
    granted_by_id = models.BigIntegerField(null=True, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="community_badge_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
