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


def test_each_page_keeps_its_own_title(client):
    from django.conf import settings

    home = client.get("/").content.decode()
    categories = client.get("/c/").content.decode()

    assert f"<title>{settings.SHEQU_SITE_NAME}</title>" not in categories
    assert home.split("<title>")[1].split("</title>")[0] != categories.split("<title>")[1].split("</title>")[0]


def test_a_block_inside_a_shared_part_is_refused():
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template('{% load chrome %}{% chrome "x" %}{% block title %}{% endblock %}{% endchrome %}')
