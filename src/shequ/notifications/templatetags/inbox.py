from django import template

from shequ.notifications.rendering import notification_text

register = template.Library()


@register.filter
def notification_title(notification) -> str:
    return notification_text(notification)[0]


@register.filter
def notification_body(notification) -> str:
    return notification_text(notification)[1]


@register.simple_tag(takes_context=True)
def inbox_unread_cached(context) -> int | None:
    """The header badge's count from the cache only (None when unknown): rendering a page costs no query;
    the live stream fills the badge in a moment."""
    from shequ.core import request_prefetch

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return request_prefetch.cached(request, "inbox_badge")


@register.simple_tag
def inbox_streaming() -> bool:
    """Pages open the live stream only where it is served well (see realtime.streaming_enabled)."""
    from shequ.notifications.realtime import streaming_enabled

    return streaming_enabled()
