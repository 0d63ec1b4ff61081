"""Feed cards as HTML and as API JSON, rendered once per post version and language and shared between viewers.

A feed page of 20 cards rendered by the template engine costs ~20 ms of CPU; the latency target (p95 ≤ 80 ms
with 32 clients on two cores) leaves about 2 ms. So:

* The card HTML is rendered once per (post, version, language) with *slot markers* where the per-request
  parts go (the relative time and the footer with the viewer's like/favourite buttons and the counters), split
  at the markers and cached (``CARD_TTL``; the version is the post's ``updated_at``, so an edit, publish, hide
  or delete never shows a stale card). A page is one ``get_many`` and string joins.
* The footer comes from a *stencil*: ``_post_card_actions.html`` rendered once per process and language for
  each liked × favourited combination with sentinel id, counts and CSRF token, checked against a real render,
  then filled by string joins. Templates stay the only source of the markup; if a template change breaks the
  sentinels, the check fails and cards fall back to plain rendering.
* The API card is a cached JSON prefix per (post, version, language); counters and the viewer's like and
  favourite are appended per request.

Counters, likes and favourites come from ``feed_state.post_states`` (fresh every request), so they are exact;
what may be up to ``CARD_TTL`` old is what does not belong to the post row: the author's nickname, avatar and
badges, and the products' names and thumbnails. The relative time ("3 分钟前") is computed per request
(memoised per minute).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language

from shequ.community import feeds
from shequ.community.feed_state import PostState
from shequ.community.templatetags.community import compact_count
from shequ.core import fragment_cache

ACTIONS_TEMPLATE = "community/_post_card_actions.html"
_SLOT = re.compile(r"<!--feed-slot:(\w+)-->")
_SLOTS = {name: mark_safe(f"<!--feed-slot:{name}-->") for name in ("ago", "actions")}  # noqa: S308 - constants
_VALUE_FIELDS = ("like_count", "comment_count", "favourite_count", "share_count")


def _parts(html: str) -> tuple[str, ...]:
    """``html`` split at the slot markers: static text at even positions, slot names at odd ones."""
    return tuple(_SLOT.split(html))


# --- the footer stencil ---------------------------------------------------------------------------------------

_SENTINEL_ID = 8765432109
_SENTINELS = {"id": str(_SENTINEL_ID), "likes": "901", "comments": "902", "favourites": "903", "csrf": "FEEDCSRFSLOT"}


@dataclass
class _FakeCard:
    id: int
    url: str
    liked: bool
    favourited: bool
    like_count: int
    comment_count: int
    favourite_count: int


def _render_actions(*, pk: int, liked: bool, favourited: bool, likes, comments, favourites, csrf: str) -> str:
    card = _FakeCard(pk, reverse("community:post", args=[pk]), liked, favourited, likes, comments, favourites)
    return render_to_string(ACTIONS_TEMPLATE, {"card": card, "csrf_token": csrf})


class _Stencil:
    """The footer for one liked/favourited combination, as static text and named holes."""

    def __init__(self, liked: bool, favourited: bool) -> None:
        html = _render_actions(
            pk=_SENTINEL_ID,
            liked=liked,
            favourited=favourited,
            likes=int(_SENTINELS["likes"]),
            comments=int(_SENTINELS["comments"]),
            favourites=int(_SENTINELS["favourites"]),
            csrf=_SENTINELS["csrf"],
        )
        pattern = "(" + "|".join(re.escape(value) for value in _SENTINELS.values()) + ")"
        by_value = {value: name for name, value in _SENTINELS.items()}
        self.pieces = [
            by_value.get(piece, piece) if n % 2 else piece for n, piece in enumerate(re.split(pattern, html))
        ]

    def fill(self, values: dict[str, str]) -> str:
        return "".join(values[piece] if n % 2 else piece for n, piece in enumerate(self.pieces))


_stencils: dict[str, dict[tuple[bool, bool], _Stencil] | None] = {}


def _stencils_for_language() -> dict[tuple[bool, bool], _Stencil] | None:
    """The four footers of the active language, built once per process and checked against a real render;
    ``None`` when they do not reproduce the template exactly (cards are then rendered the slow way)."""
    lang = get_language() or ""
    if lang not in _stencils:
        built = {(a, b): _Stencil(a, b) for a in (False, True) for b in (False, True)}
        probe = {"pk": 4711, "likes": 1234, "comments": 7, "favourites": 0, "csrf": "probe-token"}
        ok = all(
            built[a, b].fill(
                _values(probe["pk"], probe["likes"], probe["comments"], probe["favourites"], "probe-token")
            )
            == _render_actions(liked=a, favourited=b, **probe)
            for a in (False, True)
            for b in (False, True)
        )
        _stencils[lang] = built if ok else None
    return _stencils[lang]


def _values(pk: int, likes: int, comments: int, favourites: int, csrf: str) -> dict[str, str]:
    return {
        "id": str(pk),
        "likes": compact_count(likes),
        "comments": compact_count(comments),
        "favourites": compact_count(favourites),
        "csrf": escape(csrf),
    }


# --- relative times, memoised per minute --------------------------------------------------------------------

_ago_cache: dict[tuple[str, float], str] = {}
_ago_minute = [0]


def _ago(published: float | None) -> str:
    if published is None:
        return ""
    minute = int(time.time() // 60)
    if minute != _ago_minute[0]:
        _ago_cache.clear()
        _ago_minute[0] = minute
    key = (get_language() or "", published)
    text = _ago_cache.get(key)
    if text is None:
        text = _ago_cache[key] = escape(timesince(datetime.fromtimestamp(published, tz=UTC)))
    return text


# --- cached shells ------------------------------------------------------------------------------------------


def _card_template() -> str:
    from shequ.community.feeds_views import card_template

    return card_template()


def _shell(card, template: str) -> tuple[float | None, tuple[str, ...]]:
    html = render_to_string(template, {"card": card, "post": card, "card_slots": _SLOTS})
    published = card.published_at.timestamp() if card.published_at else None
    return published, _parts(html)


def _cached(states: list[PostState], kind: str, build) -> dict[int, object]:
    """One ``get_many`` for the page; what is missing is built (``build(cards)`` per card) and stored."""
    keys = {state.id: feeds.card_cache_key(state, kind) for state in states}
    found = fragment_cache.get_many(list(keys.values()), feeds.CARD_TTL)  # per version: kept in process too
    out = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in out]
    if missing:
        fresh = {pk: build(card) for pk, card in feeds.build_cards(missing).items()}
        fragment_cache.set_many({keys[pk]: value for pk, value in fresh.items()}, feeds.CARD_TTL)
        out.update(fresh)
    return out


def cards_html(states: list[PostState], *, csrf_token: str) -> SafeString:
    """The cards of these posts (already checked for visibility) as one HTML string."""
    if not states:
        return mark_safe("")
    template = _card_template()
    stencils = _stencils_for_language()
    if stencils is None:
        return _cards_html_slow(states, template, csrf_token)
    shells = _cached(states, f"html-{template.rsplit('/', 1)[-1].split('.')[0]}", lambda card: _shell(card, template))
    out = []
    for state in states:
        shell = shells.get(state.id)
        if shell is None:
            continue
        published, parts = shell
        slots = {
            "ago": _ago(published),
            "actions": stencils[state.liked, state.favourited].fill(
                _values(state.id, state.like_count, state.comment_count, state.favourite_count, csrf_token)
            ),
        }
        out.extend(slots.get(piece, "") if n % 2 else piece for n, piece in enumerate(parts))
    return mark_safe("".join(out))  # noqa: S308 - rendered by the template engine (escaped), plus escaped slots


def _cards_html_slow(states: list[PostState], template: str, csrf_token: str) -> SafeString:
    cards = feeds.feed_cards(states=states)
    html = [render_to_string(template, {"card": card, "post": card, "csrf_token": csrf_token}) for card in cards]
    return mark_safe("".join(html))  # noqa: S308 - rendered by the template engine


# --- API JSON -----------------------------------------------------------------------------------------------


def _json_prefix(card) -> str:
    from shequ.community.api_feeds import card_out

    body = card_out(card)
    for field in (*_VALUE_FIELDS, "liked", "favourited"):
        body.pop(field, None)
    text = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
    return text[:-1]  # without the closing brace: the per-request fields follow


def cards_json(states: list[PostState]) -> list[str]:
    """Each post (already checked for visibility) as the API's card JSON object, as text."""
    prefixes = _cached(states, "json", _json_prefix)
    out = []
    for state in states:
        prefix = prefixes.get(state.id)
        if prefix is not None:
            out.append(
                f'{prefix},"like_count":{state.like_count},"comment_count":{state.comment_count},'
                f'"favourite_count":{state.favourite_count},"share_count":{state.share_count},'
                f'"liked":{"true" if state.liked else "false"},"favourited":{"true" if state.favourited else "false"}}}'
            )
    return out


def page_json(piece: feeds.FeedSlice) -> str:
    """``{"items": [...], "next_cursor": ...}`` for a feed slice."""
    return '{"items":[' + ",".join(cards_json(piece.states)) + '],"next_cursor":' + json.dumps(piece.next_cursor) + "}"
