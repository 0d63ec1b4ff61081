"""Post and comment text: clean what people type, find #topics# and @mentions, render it safely.

Text is stored as plain text: markup is removed on the way in (``<script>`` and ``<style>`` with their
content, every other tag keeping its text), control characters are dropped. On the way out everything is
escaped and only our own links are added (topics and mentions), so a post can never inject HTML — the
rendered HTML is stored beside the text (``text_html``) so pages and feeds do not re-render it per view.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, strip_tags

# #早餐打卡# — Weibo/Xiaohongshu style: between two hashes, no leading/trailing space, at most 30 chars.
TOPIC_RE = re.compile(r"#([^#\s](?:[^#\n]{0,28}[^#\s])?)#")
# @昵称 — the characters a nickname may contain (accounts.validation.NICKNAME_RE); not inside an e-mail.
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_.])@([\u4e00-\u9fffA-Za-z0-9_\-·]{2,20})")
_SCRIPT_RE = re.compile(r"<\s*(script|style|iframe|object|embed)\b[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_BLANK_LINES_RE = re.compile(r"\n{3,}")
_URL_RE = re.compile(r"https?://[^\s<>\"'\u3000-\u303f\uff00-\uffef]{1,300}")


def clean_text(value: str) -> str:
    """Plain text from what was typed: NFC, no markup, no control characters, at most one blank line."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    if "<" in value:
        value = strip_tags(_SCRIPT_RE.sub("", value))
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return _BLANK_LINES_RE.sub("\n\n", value).strip()


def parse_topics(text: str, *, limit: int = 10) -> list[str]:
    """Distinct topic names in order of appearance (case kept, compared case-insensitively)."""
    seen: dict[str, str] = {}
    for match in TOPIC_RE.finditer(text):
        name = " ".join(match.group(1).split())
        if name and name.lower() not in seen:
            seen[name.lower()] = name
        if len(seen) >= limit:
            break
    return list(seen.values())


def parse_mentions(text: str, *, limit: int = 10) -> list[str]:
    """Distinct mentioned nicknames in order of appearance."""
    seen: dict[str, str] = {}
    for match in MENTION_RE.finditer(text):
        seen.setdefault(match.group(1).lower(), match.group(1))
        if len(seen) >= limit:
            break
    return list(seen.values())


def _topic_url(slug: str) -> str:
    try:
        return reverse("community:topic", args=[slug])
    except NoReverseMatch:
        return ""


def profile_url(user_id: int) -> str:
    """The person's community profile (H-social's page; path fixed by the contracts)."""
    return f"/community/u/{user_id}/"


def render_html(
    text: str, *, topics: Mapping[str, str] | None = None, mentions: Mapping[str, int] | None = None
) -> str:
    """Escaped text with links: ``topics`` maps lower-cased topic names to slugs, ``mentions`` lower-cased
    nicknames to user ids; names not in the maps stay plain text. Newlines become <br>."""
    topics = {k.lower(): v for k, v in (topics or {}).items()}
    mentions = {k.lower(): v for k, v in (mentions or {}).items()}
    pattern = re.compile(f"{TOPIC_RE.pattern}|{MENTION_RE.pattern}|{_URL_RE.pattern}")
    out: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        out.append(escape(text[position : match.start()]))
        whole = match.group(0)
        link = ""
        if match.group(1) is not None:
            slug = topics.get(" ".join(match.group(1).split()).lower())
            url = _topic_url(slug) if slug else ""
            if url:
                link = f'<a class="topic-link" href="{escape(url)}">{escape(whole)}</a>'
        elif match.group(2) is not None:
            user_id = mentions.get(match.group(2).lower())
            if user_id:
                link = f'<a class="mention" href="{profile_url(user_id)}">{escape(whole)}</a>'
        else:
            link = f'<a href="{escape(whole)}" rel="nofollow noopener ugc" target="_blank">{escape(whole)}</a>'
        out.append(link or escape(whole))
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out).replace("\n", "<br>")
