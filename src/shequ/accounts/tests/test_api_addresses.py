"""The address book: defaults, limits, validation, and other people's ids (IDOR)."""

import pytest
from django.db import connection

from shequ.accounts.models import Address

pytestmark = pytest.mark.django_db

HOME = {
    "recipient": "王小明",
    "phone": "13912345678",
    "province": "上海市",
    "city": "上海市",
    "district": "徐汇区",
    "detail": "漕溪北路88号3栋1201室",
    "postal_code": "200030",
    "label": "家",
}
OFFICE = {**HOME, "recipient": "王小明", "district": "浦东新区", "detail": "世纪大道100号20楼", "label": "公司"}


def test_the_first_address_becomes_the_default(user_api, user):
    response = user_api.api("post", "/me/addresses", json=HOME)

    assert response.status_code == 201
    body = response.json()
    assert body["is_default"] is True
    assert body["phone"] == "+8613912345678"
    assert Address.objects.get().user == user


def test_a_new_default_unsets_the_old_one(user_api):
    first = user_api.api("post", "/me/addresses", json=HOME).json()
    second = user_api.api("post", "/me/addresses", json={**OFFICE, "is_default": True}).json()

    listed = user_api.api("get", "/me/addresses").json()

    assert [a["id"] for a in listed] == [second["id"], first["id"]]
    assert [a["is_default"] for a in listed] == [True, False]


def test_make_default_and_delete_default_promotes_another(user_api):
    first = user_api.api("post", "/me/addresses", json=HOME).json()
    second = user_api.api("post", "/me/addresses", json=OFFICE).json()

    assert user_api.api("post", f"/me/addresses/{second['id']}/default").json()["is_default"] is True
    assert user_api.api("delete", f"/me/addresses/{second['id']}").status_code == 204

    remaining = user_api.api("get", "/me/addresses").json()
    assert [(a["id"], a["is_default"]) for a in remaining] == [(first["id"], True)]


def test_update_replaces_the_fields(user_api):
    created = user_api.api("post", "/me/addresses", json=HOME).json()

    response = user_api.api("put", f"/me/addresses/{created['id']}", json={**HOME, "detail": "漕溪北路99号"})

    assert response.status_code == 200
    assert Address.objects.get().detail == "漕溪北路99号"


def test_another_users_address_is_404_for_every_verb(user_api, api_for, make_user):
    other = make_user()
    theirs = api_for(other).api("post", "/me/addresses", json=HOME).json()

    assert user_api.api("get", f"/me/addresses/{theirs['id']}").status_code == 404
    assert user_api.api("put", f"/me/addresses/{theirs['id']}", json=OFFICE).status_code == 404
    assert user_api.api("post", f"/me/addresses/{theirs['id']}/default").status_code == 404
    response = user_api.api("delete", f"/me/addresses/{theirs['id']}")
    assert response.status_code == 404 and response.json()["code"] == "address_not_found"
    assert user_api.api("get", "/me/addresses").json() == []

    address = Address.objects.get(pk=theirs["id"])
    assert (address.user, address.detail, address.is_default) == (other, HOME["detail"], True)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"province": "火星省"}, "province"),
        ({"phone": "12345"}, None),
        ({"detail": "短"}, "detail"),
        ({"recipient": ""}, "recipient"),
        ({"postal_code": "ABC123"}, "postal_code"),
        ({"detail": "<script>alert(1)</script>路1号"}, "detail"),
    ],
)
def test_bad_addresses_are_refused_and_nothing_is_stored(user_api, change, field):
    response = user_api.api("post", "/me/addresses", json={**HOME, **change})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] in {"address_invalid", "invalid_phone", "html_not_allowed"}
    if field:
        assert body["details"]["field"] == field
    assert Address.objects.count() == 0


def test_at_most_twenty_addresses(user_api):
    for _ in range(20):
        assert user_api.api("post", "/me/addresses", json=HOME).status_code == 201

    response = user_api.api("post", "/me/addresses", json=HOME)

    assert response.status_code == 409
    assert response.json()["code"] == "address_limit"
    assert Address.objects.count() == 20


def test_addresses_are_encrypted_at_rest(user_api):
    created = user_api.api("post", "/me/addresses", json=HOME).json()

    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, phone, detail, city FROM accounts_address WHERE id = %s", [created["id"]])
        recipient, phone, detail, city = cursor.fetchone()

    assert "王小明" not in recipient and "13912345678" not in phone and "漕溪" not in detail
    assert city == "上海市"  # the region stays readable for shipping rules and regional reports
