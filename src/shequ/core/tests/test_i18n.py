"""The Simplified Chinese catalog is complete, compiled, and actually used by pages and the API.

New strings land in the catalog through ``scripts/update-translations.sh``; these tests then insist that every
one of them is translated (no fuzzy guesses) and that the committed ``django.mo`` matches the ``django.po``.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import shequ

LC_MESSAGES = Path(shequ.__file__).resolve().parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

REGENERATE = "run scripts/update-translations.sh after translating"


@dataclass
class Entry:
    """One message of a .po file (obsolete ``#~`` entries are not kept)."""

    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: enough for catalogs written by GNU gettext's msgmerge."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # which field a continuation line extends

    def unquote(token: str) -> str:
        return ast.literal_eval(token)  # .po strings use C escapes, which Python string literals share

    def append(value: str) -> None:
        name, index = target
        if name == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + value
        else:
            setattr(current, name, (getattr(current, name) or "") + value)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line and current is not None:
                entries.append(current)
                current, target = None, None
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path.name}:{number}: continuation line outside a message"
            append(unquote(line))
        else:
            match = _KEYWORD.match(line)
            assert match, f"{path.name}:{number}: cannot parse {raw!r}"
            keyword, index, token = match.groups()
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else 0)
            else:
                target = (keyword, None)
                setattr(current, keyword, "")
            append(unquote(token))
    if current is not None:
        entries.append(current)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing: {REGENERATE}"
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    """Every entry except the header (the one with an empty msgid)."""
    return [entry for entry in entries if entry.msgid]


def test_catalog_declares_simplified_chinese_with_one_plural_form(entries):
    header = next(entry for entry in entries if entry.msgid == "")
    text = header.msgstr[0]

    assert "Language: zh_Hans\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text


def test_catalog_has_many_messages(messages):
    # A guard against makemessages being run from the wrong directory and extracting next to nothing.
    assert len(messages) > 200
    sources = {entry.msgid for entry in messages}
    for expected in ("Verification code", "Audit log", "Analytics", "Shequ · Operations console", "Home"):
        assert expected in sources


def test_every_message_is_translated_and_none_is_fuzzy(entries, messages):
    fuzzy = [str(entry) for entry in entries if "fuzzy" in entry.flags]
    untranslated = [
        str(entry)
        for entry in messages
        if not entry.msgstr or not all(entry.msgstr.values()) or (entry.msgid_plural and len(entry.msgstr) != 1)
    ]

    assert not fuzzy, f"fuzzy entries in {PO_FILE.name} (check the translation, then drop the flag): {fuzzy}"
    assert not untranslated, f"untranslated entries in {PO_FILE.name}: {untranslated}"


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]?\d*(?:\.\d+)?([sdifr%])")


def test_translations_keep_the_placeholders(messages):
    def placeholders(text: str) -> list[tuple[str, str]]:
        return sorted(match.groups("") for match in _PLACEHOLDER.finditer(text) if match.group(2) != "%")

    broken = []
    for entry in messages:
        if "python-format" not in entry.flags:
            continue
        expected = placeholders(entry.msgid_plural or entry.msgid)
        broken += [str(entry) for text in entry.msgstr.values() if placeholders(text) != expected]

    assert not broken, f"translations whose %(name)s placeholders differ from the source: {broken}"


def test_compiled_catalog_matches_the_po(messages):
    assert MO_FILE.exists(), f"{MO_FILE} is missing: {REGENERATE}"
    with MO_FILE.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)

    stale = []
    for entry in messages:
        if entry.msgid_plural is not None:
            for n in (1, 2, 5):
                if entry.msgctxt is not None:
                    got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if got != entry.msgstr[0]:
                    stale.append(str(entry))
        else:
            if entry.msgctxt is not None:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = compiled.gettext(entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(str(entry))

    assert not stale, f"{MO_FILE.name} is out of date with {PO_FILE.name} ({REGENERATE}): {stale}"
    # Nothing extra either: the .mo holds exactly the .po's messages (plus the header).
    assert len(compiled._catalog) == 1 + sum(len(entry.msgstr) for entry in messages), REGENERATE


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "验证码" in html
    assert "登录 / 注册" in html
    assert "Verification code" not in html


@pytest.mark.django_db
def test_login_page_is_english_with_the_language_cookie(client):
    client.cookies["sq_lang"] = "en"

    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Verification code" in html
    assert "Log in / Sign up" in html
    assert "验证码" not in html


@pytest.mark.django_db
def test_api_errors_are_chinese_by_default(client):
    response = client.post("/api/v1/auth/otp/request", {"phone": "123"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert response.json()["message"] == "请输入正确的手机号。"


@pytest.mark.django_db
def test_api_errors_follow_accept_language(client):
    response = client.post(
        "/api/v1/auth/otp/request",
        {"phone": "123"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert response.json()["message"] == "Enter a valid mobile phone number."
