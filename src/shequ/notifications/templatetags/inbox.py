from django import template

from shequ.notifications.rendering import notification_text

register = template.Library()


@register.filter
def notification_title(notification) -> str:
    return notification_text(notification)[0]


@register.filter
def notification_body(notification) -> str:
    return notification_text(notification)[1]
