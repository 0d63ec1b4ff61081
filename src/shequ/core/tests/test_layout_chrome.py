"""The page layout's tab bar and header, rendered once per language and active tab (core.templatetags.chrome)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ACTIVE_RE = re.compile(r'<a href="([^"]+)" class="active"(?: data-testid="[^"]+")?><span class="ico">')


def active_tab(client: Client, url: str, language: str = "zh-hans") -> list[str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return ACTIVE_RE.findall(response.content.decode())


def test_each_page_marks_its_own_tab(client, web_client):
    assert active_tab(client, "/") == ["/"]
    assert active_tab(client, "/c/") == ["/c/"]
    assert active_tab(client, "/community/") == ["/community/"]
    assert active_tab(web_client, "/accounts/me/") == ["/accounts/me/"]
    assert active_tab(client, "/search/?q=x") == []


def test_the_tab_bar_follows_the_language(client):
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "</span>社区</a>" in chinese and "</span>Community</a>" not in chinese
    assert "</span>Community</a>" in english and "</span>社区</a>" not in english
