"""Page views, visitor ids and campaign attribution from the web pages."""

import pytest
from conftest import last_code, next_phone

from shequ.analytics.models import Event

pytestmark = pytest.mark.django_db


def test_a_page_view_is_recorded_with_a_persistent_visitor_id(client):
    first = client.get("/")
    second = client.get("/accounts/login/")

    anonymous_id = first.cookies["sq_aid"].value
    assert "sq_aid" not in second.cookies  # set once, then reused
    views = list(Event.objects.filter(name="page_view").order_by("id"))
    assert [v.properties["path"] for v in views] == ["/", "/accounts/login/"]
    assert {v.anonymous_id for v in views} == {anonymous_id}
    assert views[0].session_id == views[1].session_id and views[0].channel == "web"


def test_utm_parameters_attribute_the_whole_visit(client):
    client.get("/?utm_source=xiaohongshu&utm_medium=kol&utm_campaign=yoghurt_launch")
    client.get("/accounts/login/")

    later = Event.objects.filter(name="page_view").order_by("id").last()
    assert (later.utm_source, later.utm_medium, later.utm_campaign) == ("xiaohongshu", "kol", "yoghurt_launch")
    assert later.channel == "xiaohongshu"


def test_logging_in_links_the_visitor_to_the_user(client):
    client.get("/")
    anonymous_id = client.cookies["sq_aid"].value
    phone = next_phone()
    client.post("/accounts/login/otp/", {"phone": phone})

    client.post("/accounts/login/", {"method": "otp", "phone": phone, "code": last_code(phone)})

    login = Event.objects.get(name="login")
    assert login.anonymous_id == anonymous_id and login.user_id is not None
    client.get("/accounts/me/")
    assert Event.objects.filter(name="page_view", user_id=login.user_id).exists()


def test_api_calls_static_files_and_errors_are_not_page_views(client):
    client.get("/api/v1/openapi.json")
    client.get("/healthz")
    client.get("/does-not-exist/")
    client.get("/accounts/login/", headers={"HX-Request": "true"})

    assert not Event.objects.filter(name="page_view").exists()


def test_forged_ids_in_cookies_are_ignored(client):
    client.cookies["sq_aid"] = "<script>alert(1)</script>"

    client.get("/")

    event = Event.objects.get(name="page_view")
    assert event.anonymous_id != "<script>alert(1)</script>" and event.anonymous_id.isalnum()
