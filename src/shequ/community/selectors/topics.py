"""Topics: a topic page's header, popular and featured topics, lookup by name for the composer."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.models import Topic
from shequ.core.errors import NotFound


def topic_get(*, key: str | int) -> Topic:
    """The topic with this slug or id, or NotFound."""
    text = str(key).strip()[:60]
    topic = Topic.objects.filter(slug=text).first()
    if topic is None and text.isdigit() and len(text) < 19:
        topic = Topic.objects.filter(pk=int(text)).first()
    if topic is None:
        raise NotFound(Code.TOPIC_NOT_FOUND, _("This topic does not exist."))
    return topic


def topic_list(*, q: str = "", limit: int = 30) -> QuerySet[Topic]:
    """Featured and challenge topics first, then by number of posts; ``q`` filters by name."""
    topics = Topic.objects.all()
    q = " ".join((q or "").split())[:30]
    if q:
        topics = topics.filter(name__icontains=q)
    return topics.order_by("-is_featured", "-is_challenge", "-post_count", "id")[:limit]


def topic_slugs_by_name(*, names: list[str]) -> dict[str, str]:
    """Lower-cased name → slug for the topics that exist."""
    if not names:
        return {}
    lowered = {n.lower() for n in names}
    return {t.name.lower(): t.slug for t in Topic.objects.filter(name__in=names) if t.name.lower() in lowered}
