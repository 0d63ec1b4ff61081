"""Download my data; delete my account."""

import io
import json
import zipfile

import pytest
from conftest import ApiClient, last_code

from shequ.accounts.models import Address, ApiToken, SocialAccount, User
from shequ.accounts.services.tokens import token_pair_issue
from shequ.analytics.models import Event
from shequ.analytics.services import track
from shequ.audit.models import AuditEntry
from shequ.audit.services import audit_record

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient": "李雷",
    "phone": "13912345678",
    "province": "北京市",
    "city": "北京市",
    "district": "朝阳区",
    "detail": "建国路88号SOHO 1201",
}


def _archive(response) -> dict[str, object]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name.split("/")[-1]: json.loads(archive.read(name)) for name in archive.namelist()}


def test_export_contains_profile_addresses_preferences_and_events(user_api, user):
    user_api.api("post", "/me/addresses", json=ADDRESS)
    user_api.api("put", "/me/preferences", json={"flavours": ["草莓"]})
    track(user, "product_view", {"product_id": 7})

    response = user_api.api("get", "/me/export")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="shequ-data-')
    files = _archive(response)
    assert files["account.json"]["profile"]["phone"] == user.phone
    assert files["account.json"]["profile"]["nickname"] == "测试用户"
    assert files["account.json"]["addresses"][0]["detail"] == ADDRESS["detail"]
    assert files["account.json"]["preferences"]["flavours"] == ["草莓"]
    assert any(e["name"] == "product_view" and e["properties"] == {"product_id": 7} for e in files["events.json"])
    assert set(files["README.json"]["sections"]) >= {"account", "events"}


def test_export_contains_only_my_data(user_api, make_user, api_for):
    other = make_user(nickname="别人")
    api_for(other).api("post", "/me/addresses", json={**ADDRESS, "detail": "别人的地址 99号"})
    track(other, "product_view", {"secret": True})

    files = _archive(user_api.api("get", "/me/export"))

    assert files["account.json"]["addresses"] == []
    assert not any(e["properties"].get("secret") for e in files["events.json"])


def test_deleting_the_account_needs_a_code_for_that_purpose(user_api, user):
    user_api.api("post", "/auth/otp/request", json={"phone": user.phone, "purpose": "login"})

    response = user_api.api("post", "/me/delete", json={"code": last_code(user.phone)})

    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"
    assert User.objects.get(pk=user.pk).is_active


def test_deleting_the_account_erases_personal_data_and_keeps_the_record(user_api, user, anon_api):
    phone = user.phone
    user_api.api("post", "/me/addresses", json=ADDRESS)
    SocialAccount.objects.create(user=user, provider="wechat", uid="union-1")
    other_device = token_pair_issue(user=user)
    track(user, "product_view", {"product_id": 1})
    audit_record(actor=None, action="view", target=user)
    user_api.api("post", "/auth/otp/request", json={"phone": phone, "purpose": "delete_account"})

    response = user_api.api("post", "/me/delete", json={"code": last_code(phone)})

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.is_active is False and user.deleted_at is not None
    assert user.phone == "" and user.bio == "" and not user.has_usable_password()
    assert user.nickname.startswith("已注销用户")
    assert not Address.objects.filter(user_id=user.pk).exists()
    assert not SocialAccount.objects.filter(user_id=user.pk).exists()
    assert not ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).exists()
    assert ApiClient(token=other_device.access_token).api("get", "/me").status_code == 401
    # behaviour stays countable but is no longer linked to the person
    assert not Event.objects.filter(user_id=user.pk).exists()
    assert Event.objects.filter(name="product_view", anonymous_id__startswith="erased-").exists()
    # the audit trail of who touched the account is kept
    assert AuditEntry.objects.filter(target_user_id=user.pk).exists()
    # the phone number is free again: it signs up as a brand-new account
    anon_api.api("post", "/auth/otp/request", json={"phone": phone})
    again = anon_api.api("post", "/auth/otp/login", json={"phone": phone, "code": last_code(phone)}).json()
    assert again["created"] is True and again["user"]["id"] != user.pk
