"""Profile, avatar, password, privacy and preferences through the API — and the bad input around them."""

import io

import pytest
from conftest import ApiClient
from PIL import Image

from shequ.accounts.models import User

pytestmark = pytest.mark.django_db


def _image_bytes(fmt: str = "PNG", size=(1200, 800), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 80, 60))
    kwargs = {"exif": exif} if exif else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def _upload(client: ApiClient, name: str, content: bytes, content_type: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/api/v1/me/avatar",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"Authorization": f"Bearer {client.token}"},
    )


def test_me_shows_my_profile(user_api, user):
    body = user_api.api("get", "/me").json()

    assert body["id"] == user.pk
    assert body["nickname"] == "测试用户"
    assert "****" in body["phone_masked"]
    assert body["has_password"] is False


def test_patch_changes_only_the_fields_sent(user_api, user):
    response = user_api.api("patch", "/me", json={"bio": "爱喝酸奶", "birthday": "1990-05-20", "gender": "female"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.bio, str(user.birthday), user.gender, user.nickname) == (
        "爱喝酸奶",
        "1990-05-20",
        "female",
        "测试用户",
    )


def test_nicknames_are_unique_ignoring_case(user_api, make_user):
    make_user(nickname="MilkLover")

    response = user_api.api("patch", "/me", json={"nickname": "milklover"})

    assert response.status_code == 409
    assert response.json()["code"] == "nickname_taken"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"nickname": "<script>alert(1)</script>"}, "html_not_allowed"),
        ({"nickname": "a"}, "nickname_invalid"),
        ({"nickname": "这个昵称实在是太长了超过了二十个字符的限制啊啊"}, "nickname_invalid"),
        ({"nickname": "品牌官方客服"}, "nickname_invalid"),
        ({"nickname": "hi there"}, "nickname_invalid"),
        ({"bio": "<img src=x onerror=alert(1)>"}, "html_not_allowed"),
        ({"bio": "很" * 201}, "text_too_long"),
        ({"birthday": "2999-01-01"}, "birthday_invalid"),
        ({"gender": "robot"}, "choice_invalid"),
    ],
)
def test_bad_profile_input_is_refused_and_changes_nothing(user_api, user, payload, code):
    response = user_api.api("patch", "/me", json={"bio": "unchanged?", **payload} if "bio" not in payload else payload)

    assert response.status_code in (400, 422)
    assert response.json()["code"] == code
    user.refresh_from_db()
    assert user.nickname == "测试用户" and user.bio == "" and user.birthday is None and user.gender == ""


def test_an_avatar_is_cropped_to_a_400px_jpeg_without_exif(user_api, user):
    exif = Image.Exif()
    exif[0x010F] = "Shequ Test Phone"  # camera details (and often GPS) must not be published
    exif[0x0132] = "2026:11:24 08:00:00"
    response = _upload(user_api, "me.jpg", _image_bytes("JPEG", exif=exif.tobytes()), "image/jpeg")

    assert response.status_code == 200
    user.refresh_from_db()
    with Image.open(user.avatar.path) as saved:
        assert saved.format == "JPEG"
        assert saved.size == (400, 400)
        assert not saved.getexif()
    assert response.json()["avatar_url"] == user.avatar.url


def test_replacing_an_avatar_removes_the_old_file(user_api, user):
    _upload(user_api, "a.png", _image_bytes(), "image/png")
    user.refresh_from_db()
    first = user.avatar.path

    _upload(user_api, "b.png", _image_bytes(), "image/png")

    user.refresh_from_db()
    assert user.avatar.path != first
    import os

    assert not os.path.exists(first)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "code"),
    [
        ("evil.png", b"<?php system($_GET['c']); ?>", "image/png", "image_invalid"),
        ("doc.pdf", b"%PDF-1.4 not an image", "application/pdf", "image_invalid"),
        ("truncated.png", None, "image/png", "image_invalid"),
        ("huge.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1), "image/png", "image_too_large"),
    ],
)
def test_non_images_and_oversized_files_are_refused(user_api, user, name, content, content_type, code):
    if content is None:
        content = _image_bytes()[:200]

    response = _upload(user_api, name, content, content_type)

    assert response.status_code == 400
    assert response.json()["code"] == code
    user.refresh_from_db()
    assert not user.avatar


def test_a_decompression_bomb_is_refused(user_api, user):
    response = _upload(user_api, "bomb.png", _image_bytes("PNG", size=(8000, 6000)), "image/png")

    assert response.status_code == 400
    assert response.json()["code"] == "image_too_large"


def test_setting_and_changing_a_password(user_api, user):
    first = user_api.api("put", "/me/password", json={"new_password": "Yoghurt-2026"})
    assert first.status_code == 204
    user.refresh_from_db()
    assert user.check_password("Yoghurt-2026")

    # changing a password revokes every token, including the one used for the change
    assert user_api.api("get", "/me").status_code == 401


def test_changing_a_password_needs_the_current_one(api_for, make_user):
    user = make_user(password="Yoghurt-2026")
    client = api_for(user)

    wrong = client.api("put", "/me/password", json={"current_password": "x", "new_password": "Another-2026!"})
    weak = client.api("put", "/me/password", json={"current_password": "Yoghurt-2026", "new_password": "12345678"})

    assert wrong.status_code == 400 and wrong.json()["code"] == "password_wrong"
    assert weak.status_code == 400 and weak.json()["code"] == "password_invalid"
    user.refresh_from_db()
    assert user.check_password("Yoghurt-2026")


def test_privacy_settings_round_trip(user_api):
    response = user_api.api("put", "/me/privacy", json={"posts_visibility": "followers", "marketing_messages": False})

    assert response.status_code == 200
    body = user_api.api("get", "/me/privacy").json()
    assert body["posts_visibility"] == "followers"
    assert body["marketing_messages"] is False
    assert body["personalised_recommendations"] is True


def test_bad_privacy_values_are_refused(user_api):
    response = user_api.api("put", "/me/privacy", json={"posts_visibility": "galaxy"})

    assert response.status_code == 400
    assert response.json()["code"] == "choice_invalid"
    assert user_api.api("get", "/me/privacy").json()["posts_visibility"] == "public"


def test_preferences_round_trip_and_deduplicate(user_api):
    response = user_api.api(
        "put",
        "/me/preferences",
        json={
            "categories": ["dairy", "snacks"],
            "dietary_tags": ["sugar_free", "sugar_free"],
            "pack_sizes": ["family"],
            "flavours": ["草莓", "抹茶"],
            "brands": ["shequ-dairy"],
        },
    )

    assert response.status_code == 200
    body = user_api.api("get", "/me/preferences").json()
    assert body == {
        "categories": ["dairy", "snacks"],
        "brands": ["shequ-dairy"],
        "flavours": ["草莓", "抹茶"],
        "pack_sizes": ["family"],
        "dietary_tags": ["sugar_free"],
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"dietary_tags": ["keto-ish"]},
        {"pack_sizes": ["giant"]},
        {"flavours": ["<b>x</b>"]},
        {"flavours": ["a" * 25]},
        {"categories": [str(i) for i in range(21)]},
    ],
)
def test_bad_preferences_are_refused(user_api, payload):
    response = user_api.api("put", "/me/preferences", json=payload)

    assert response.status_code == 400
    assert user_api.api("get", "/me/preferences").json()["dietary_tags"] == []


def test_an_unauthenticated_profile_change_is_401_and_changes_nothing(anon_api, user):
    response = anon_api.api("patch", "/me", json={"nickname": "hacker"})

    assert response.status_code == 401
    assert User.objects.get(pk=user.pk).nickname == "测试用户"
