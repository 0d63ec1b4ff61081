"""Operators, roles and the audit trail of what they do to people's data."""

import pytest
from conftest import next_phone
from django.core.management import call_command
from django.db import connection
from django.test import Client

from shequ.accounts.models import ApiToken, User
from shequ.accounts.services.operators import operator_create
from shequ.accounts.services.tokens import token_pair_issue
from shequ.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _operator(*roles: str, superuser: bool = False) -> Client:
    user, _ = operator_create(phone=next_phone(), password="Operator-2026", roles=list(roles), superuser=superuser)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.operator = user
    return client


def test_every_role_exists_with_its_own_permissions():
    from django.contrib.auth.models import Group

    def perms(name):
        return set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))

    assert {g.name for g in Group.objects.all()} >= {
        "admin",
        "user-ops",
        "content-ops",
        "campaign-ops",
        "analyst",
        "customer-service",
    }
    assert ("accounts", "change_user") in perms("user-ops")
    assert ("accounts", "view_address") in perms("customer-service")
    assert ("analytics", "view_event") in perms("analyst")
    assert ("accounts", "view_user") not in perms("analyst")  # analysts never see personal data
    assert ("audit", "view_auditentry") in perms("admin")
    assert all(
        ("audit", "view_auditentry") not in perms(r)
        for r in ("user-ops", "content-ops", "campaign-ops", "analyst", "customer-service")
    )


def test_viewing_and_changing_a_user_in_the_admin_is_audited(make_user):
    person = make_user(nickname="被查看的人")
    ops = _operator("user-ops")

    assert ops.get(f"/admin/accounts/user/{person.pk}/change/").status_code == 200
    viewed = AuditEntry.objects.get(action="view")
    assert (viewed.actor_id, viewed.target_user_id) == (ops.operator.pk, person.pk)

    response = ops.post(
        f"/admin/accounts/user/{person.pk}/change/",
        {
            "nickname": "改过的昵称",
            "bio": "",
            "gender": "",
            "is_active": "on",
            "privacy-TOTAL_FORMS": "1",
            "privacy-INITIAL_FORMS": "1",
            "privacy-MIN_NUM_FORMS": "0",
            "privacy-MAX_NUM_FORMS": "1",
            "privacy-0-user": str(person.pk),
            "preferences-TOTAL_FORMS": "1",
            "preferences-INITIAL_FORMS": "1",
            "preferences-MIN_NUM_FORMS": "0",
            "preferences-MAX_NUM_FORMS": "1",
            "preferences-0-user": str(person.pk),
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
            "addresses-MIN_NUM_FORMS": "0",
            "addresses-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.nickname == "改过的昵称"
    changed = AuditEntry.objects.get(action="update")
    assert changed.changes["nickname"] == "改过的昵称"
    assert changed.actor_id == ops.operator.pk and changed.target_user_id == person.pk


def test_operators_can_find_a_user_by_full_phone_number(make_user):
    phone = next_phone()
    person = make_user(phone, nickname="找到我")
    ops = _operator("customer-service")

    response = ops.get("/admin/accounts/user/", {"q": phone[3:]})

    assert response.status_code == 200
    assert "找到我" in response.content.decode()
    assert person.phone_masked in response.content.decode()


def test_roles_limit_what_operators_can_open(make_user):
    person = make_user()
    analyst = _operator("analyst")
    service = _operator("customer-service")
    admin = _operator("admin")

    assert analyst.get(f"/admin/accounts/user/{person.pk}/change/").status_code == 403
    assert analyst.get("/admin/analytics/event/").status_code == 200
    assert service.get("/admin/audit/auditentry/").status_code == 403
    assert admin.get("/admin/audit/auditentry/").status_code == 200
    assert Client().get("/admin/").status_code == 302  # consumers and strangers go to the login page


def test_disabling_accounts_logs_them_out_and_is_audited(make_user):
    person = make_user()
    tokens = token_pair_issue(user=person)
    ops = _operator("user-ops")

    response = ops.post("/admin/accounts/user/", {"action": "disable_accounts", "_selected_action": [person.pk]})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_active is False
    assert ApiToken.objects.get(key_hash__isnull=False, kind="access").revoked_at is not None
    assert AuditEntry.objects.filter(action="update", target_user_id=person.pk, reason="disable_accounts").exists()
    assert tokens.access_token  # issued before; now useless


def test_the_audit_log_is_append_only(make_user):
    from shequ.audit.models import AppendOnlyError
    from shequ.audit.services import audit_record

    entry = audit_record(actor=None, action="view", target=make_user())

    entry.reason = "rewrite history"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.postgres
def test_the_database_itself_refuses_to_change_the_audit_log(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    from django.db import DatabaseError, transaction

    from shequ.audit.services import audit_record

    entry = audit_record(actor=None, action="view", target=make_user())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])


def test_createoperator_command(capsys):
    phone = next_phone()

    call_command("createoperator", "--phone", phone, "--role", "analyst", "--role", "content-ops")

    out = capsys.readouterr().out
    user = User.objects.get_by_natural_key(phone)
    assert user.is_staff and not user.is_superuser
    assert set(user.groups.values_list("name", flat=True)) == {"analyst", "content-ops"}
    password = out.strip().split()[-1]
    assert user.check_password(password)
    assert AuditEntry.objects.filter(target_user_id=user.pk, reason="operator_create").exists()


def test_createoperator_refuses_unknown_roles():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("createoperator", "--phone", next_phone(), "--role", "overlord")
    assert not User.objects.exists()
