"""The accounts web pages: log in, profile, settings, address book, my data — and their guards."""

import pytest
from conftest import last_code, next_phone
from django.test import Client

from shequ.accounts.models import Address, User

pytestmark = pytest.mark.django_db

ADDRESS_FORM = {
    "recipient": "韩梅梅",
    "phone": "13912345678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "detail": "文三路100号5幢",
    "postal_code": "",
    "label": "家",
}


def _logged_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_sign_up_with_an_sms_code_on_the_web(client):
    phone = next_phone()

    sent = client.post("/accounts/login/otp/", {"phone": phone}, headers={"HX-Request": "true"})
    assert sent.status_code == 200 and 'data-testid="otp-sent"' in sent.content.decode()

    response = client.post("/accounts/login/", {"method": "otp", "phone": phone, "code": last_code(phone)})

    assert response.status_code == 302 and response["Location"] == "/accounts/me/profile/"
    assert _logged_in_user(client).phone == phone


def test_a_wrong_code_shows_an_error_and_logs_nobody_in(client):
    phone = next_phone()
    client.post("/accounts/login/otp/", {"phone": phone})

    response = client.post(
        "/accounts/login/",
        {"method": "otp", "phone": phone, "code": "000000" if last_code(phone) != "000000" else "111111"},
    )

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert _logged_in_user(client) is None


def test_sending_a_code_to_a_bad_number_shows_the_error_inline(client):
    response = client.post("/accounts/login/otp/", {"phone": "12"}, headers={"HX-Request": "true"})

    assert response.status_code == 400
    assert 'data-testid="otp-error"' in response.content.decode()


def test_password_login_on_the_web_respects_next_but_not_foreign_hosts(client, make_user):
    phone = next_phone()
    make_user(phone, password="Milk-tea-2026")

    ok = client.post(
        "/accounts/login/",
        {"method": "password", "phone": phone, "password": "Milk-tea-2026", "next": "/accounts/me/addresses/"},
    )
    assert ok["Location"] == "/accounts/me/addresses/"
    client.logout()
    evil = client.post(
        "/accounts/login/",
        {"method": "password", "phone": phone, "password": "Milk-tea-2026", "next": "https://evil.example/phish"},
    )
    assert evil["Location"] == "/accounts/me/"


def test_forms_without_a_csrf_token_are_refused():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"method": "password", "phone": "13800138000", "password": "x"})

    assert response.status_code == 403


def test_pages_behind_login_redirect_to_the_login_page(client):
    response = client.get("/accounts/me/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/me/")


def test_editing_the_profile(web_client, user):
    response = web_client.post(
        "/accounts/me/profile/",
        {"nickname": "酸奶爱好者", "bio": "每天一杯", "gender": "female", "birthday": "1992-02-02"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.nickname, user.bio, user.gender) == ("酸奶爱好者", "每天一杯", "female")
    assert "酸奶爱好者" in web_client.get("/accounts/me/").content.decode()


def test_xss_in_the_profile_is_refused_and_escaped_nowhere_needed(web_client, user):
    response = web_client.post("/accounts/me/profile/", {"nickname": "<script>x</script>", "bio": "ok"})

    assert response.status_code == 400
    assert "<script>x</script>" not in response.content.decode()
    user.refresh_from_db()
    assert user.nickname == "测试用户" and user.bio == ""


def test_address_book_add_default_and_delete_with_htmx(web_client, user):
    assert web_client.post("/accounts/me/addresses/new/", ADDRESS_FORM).status_code == 302
    assert web_client.post("/accounts/me/addresses/new/", {**ADDRESS_FORM, "label": "公司"}).status_code == 302
    first, second = Address.objects.order_by("pk")

    made_default = web_client.post(f"/accounts/me/addresses/{second.pk}/default/", headers={"HX-Request": "true"})
    assert made_default.status_code == 200 and 'id="address-list"' in made_default.content.decode()
    assert Address.objects.get(is_default=True) == second

    deleted = web_client.post(f"/accounts/me/addresses/{second.pk}/delete/", headers={"HX-Request": "true"})
    assert deleted.status_code == 200
    assert list(Address.objects.values_list("pk", "is_default")) == [(first.pk, True)]


def test_someone_elses_address_is_404_on_the_web(web_client, make_user):
    other = make_user()
    theirs = Address.objects.create(
        user=other,
        recipient="x",
        phone="+8613912345678",
        province="上海市",
        city="上海市",
        district="徐汇区",
        detail="某某路1号",
        is_default=True,
    )

    assert web_client.get(f"/accounts/me/addresses/{theirs.pk}/").status_code == 404
    assert web_client.post(f"/accounts/me/addresses/{theirs.pk}/delete/").status_code == 404
    assert web_client.post(f"/accounts/me/addresses/{theirs.pk}/", ADDRESS_FORM).status_code == 404
    assert Address.objects.get(pk=theirs.pk).detail == "某某路1号"


def test_the_address_list_page_makes_the_same_queries_for_1_or_15_addresses(
    web_client, user, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            Address.objects.create(
                user=user,
                recipient="x",
                phone="+8613912345678",
                province="上海市",
                city="上海市",
                district="徐汇区",
                detail="某某路1号",
            )

    add(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web_client.get("/accounts/me/addresses/")  # the logged-in user is cached from now on
    with CaptureQueriesContext(connection) as one:
        assert web_client.get("/accounts/me/addresses/").status_code == 200
    add(14)
    with django_assert_num_queries(len(one.captured_queries)):
        assert web_client.get("/accounts/me/addresses/").status_code == 200


def test_settings_page_saves_privacy_preferences_and_password(web_client, user):
    web_client.post(
        "/accounts/me/settings/",
        {
            "section": "privacy",
            "posts_visibility": "private",
            "follows_visibility": "public",
            "messages_from": "following",
        },
    )
    web_client.post(
        "/accounts/me/settings/",
        {
            "section": "preferences",
            "categories": ["dairy"],
            "dietary_tags": ["organic"],
            "flavours": "草莓，抹茶",
            "brands": "",
        },
    )
    password = web_client.post("/accounts/me/settings/", {"section": "password", "new_password": "Yoghurt-2026"})

    assert password.status_code == 302
    user.refresh_from_db()
    assert user.privacy.posts_visibility == "private" and user.privacy.marketing_messages is False
    assert user.preferences.flavours == ["草莓", "抹茶"] and user.preferences.dietary_tags == ["organic"]
    assert user.check_password("Yoghurt-2026")
    assert web_client.get("/accounts/me/").status_code == 200  # still logged in after the change


def test_a_weak_password_is_explained_not_saved(web_client, user):
    response = web_client.post("/accounts/me/settings/", {"section": "password", "new_password": "123"})

    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_delete_account_on_the_web(web_client, user):
    web_client.post("/accounts/login/otp/", {"purpose": "delete_account"}, headers={"HX-Request": "true"})

    response = web_client.post("/accounts/me/data/", {"code": last_code(user.phone), "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.is_deleted
    assert web_client.get("/accounts/me/").status_code == 302


def test_logout(web_client):
    response = web_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert web_client.get("/accounts/me/").status_code == 302
    assert web_client.get("/accounts/logout/").status_code == 405
