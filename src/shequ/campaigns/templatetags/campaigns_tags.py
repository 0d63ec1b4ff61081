"""``{% load campaigns_tags %}{% onboarding_card %}``: the new-user task progress card any page can show."""

from django import template

from shequ.campaigns.selectors import task_card_for

register = template.Library()


@register.inclusion_tag("campaigns/_task_card.html", takes_context=True)
def onboarding_card(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"board": task_card_for(user=user) if user is not None else None, "request": request}
