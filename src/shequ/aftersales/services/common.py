"""Pieces every after-sales use case shares: the row lock, the timeline, and the buyer's inbox."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from shequ.aftersales.models import AfterSaleEvent, AfterSaleRequest

# What the buyer is told at each step: English msgids, rendered in the site's language for the stored text and
# re-rendered in the reader's language by the inbox (data["i18n"], see notifications/rendering.py).
MESSAGES: dict[str, tuple[str, str]] = {
    "requested": (
        gettext_noop("We received your after-sales request"),
        gettext_noop("Request %(number)s for order %(order)s. We will review it within 1–2 working days."),
    ),
    "approved_refund": (
        gettext_noop("Your after-sales request was approved"),
        gettext_noop("Request %(number)s: the refund of ¥%(amount)s will be issued shortly."),
    ),
    "approved_return": (
        gettext_noop("Your after-sales request was approved"),
        gettext_noop("Request %(number)s: please send the goods back and enter the return tracking number."),
    ),
    "rejected": (
        gettext_noop("Your after-sales request was declined"),
        gettext_noop("Request %(number)s: %(note)s"),
    ),
    "goods_returned": (
        gettext_noop("We received your returned goods"),
        gettext_noop("Request %(number)s: your parcel arrived at our warehouse."),
    ),
    "exchanged": (
        gettext_noop("Your replacement is on its way"),
        gettext_noop("Request %(number)s: %(carrier)s %(tracking_no)s."),
    ),
}


def aftersale_lock(aftersale: AfterSaleRequest) -> AfterSaleRequest:
    """Re-read the request under a row lock (with its order), so two operators cannot both move it."""
    return AfterSaleRequest.objects.select_for_update().select_related("order", "user").get(pk=aftersale.pk)


def event_add(aftersale: AfterSaleRequest, *, note: str = "", actor_id: int | None = None) -> AfterSaleEvent:
    return AfterSaleEvent.objects.create(request=aftersale, status=aftersale.status, note=note[:500], actor_id=actor_id)


def buyer_notify(aftersale: AfterSaleRequest, message: str, **params) -> None:
    """Tell the buyer about a step (``message`` is a key of MESSAGES). ORDERS' notify sends after commit
    and respects the buyer's mutes."""
    from shequ.notifications.services import notify

    title, body = MESSAGES[message]
    values = {"number": aftersale.number, "order": aftersale.order.number, **{k: str(v) for k, v in params.items()}}
    with translation.override(settings.LANGUAGE_CODE):
        title_text, body_text = gettext(title) % values, gettext(body) % values
    notify(
        user=aftersale.user_id,
        kind="aftersale",
        title=title_text,
        body=body_text,
        link=reverse("aftersales:detail", args=[aftersale.number]),
        data={
            "aftersale_number": aftersale.number,
            "order_number": aftersale.order.number,
            "kind": aftersale.kind,
            "status": aftersale.status,
            "i18n": {"title": title, "body": body, "params": values},
        },
    )
