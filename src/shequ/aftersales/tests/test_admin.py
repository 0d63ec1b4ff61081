"""The operators' after-sales queue: filters, and each step through a note form, audited."""

import pytest
from django.test import Client

from shequ.aftersales.models import AfterSaleRequest
from shequ.aftersales.services.buyer import aftersale_create
from shequ.aftersales.tests.helpers import lines_of
from shequ.audit.models import AuditEntry
from shequ.payments.models import Refund

pytestmark = pytest.mark.django_db
QUEUE = "/admin/aftersales/aftersalerequest/"


@pytest.fixture
def console(operator):
    client = Client()
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def aftersale(user, delivered):
    milk, _ = lines_of(delivered)
    return aftersale_create(
        user=user,
        order_number=delivered.number,
        kind="return",
        reason="damaged",
        items=[(milk.pk, 1)],
        description="瓶子裂了",
    )


def act(console, action, aftersale, **fields):
    return console.post(QUEUE, {"action": action, "_selected_action": [aftersale.pk], "apply": "1", **fields})


def test_the_queue_filters_by_status(console, aftersale):
    assert aftersale.number in console.get(QUEUE + "?status__exact=requested").content.decode()
    assert aftersale.number not in console.get(QUEUE + "?status__exact=refunded").content.decode()


def test_opening_a_request_is_audited(console, aftersale, operator):
    response = console.get(f"{QUEUE}{aftersale.pk}/change/")

    assert response.status_code == 200 and "瓶子裂了" in response.content.decode()
    assert AuditEntry.objects.filter(actor_id=operator.pk, action="view", target_id=str(aftersale.pk)).exists()


def test_an_action_first_asks_for_the_note(console, aftersale):
    response = console.post(QUEUE, {"action": "approve", "_selected_action": [aftersale.pk]})

    assert response.status_code == 200 and 'name="note"' in response.content.decode()
    aftersale.refresh_from_db()
    assert aftersale.status == "requested"


def test_approve_receive_refund_through_the_console(console, aftersale, operator):
    assert act(console, "approve", aftersale, note="同意退货").status_code == 302
    assert act(console, "receive_sellable", aftersale, note="").status_code == 302
    assert act(console, "refund", aftersale, note="已退款", amount="").status_code == 302

    aftersale.refresh_from_db()
    assert aftersale.status == "refunded" and aftersale.restock is True
    assert Refund.objects.get(reference=aftersale.number).amount == aftersale.refund_amount
    assert AuditEntry.objects.filter(actor_id=operator.pk, action="update", target_id=str(aftersale.pk)).count() == 3


def test_reject_without_a_note_is_refused_on_the_form(console, aftersale):
    response = act(console, "reject", aftersale, note="")

    assert response.status_code == 200 and "errorlist" in response.content.decode()
    aftersale.refresh_from_db()
    assert aftersale.status == "requested"


def test_an_illegal_step_is_reported_and_changes_nothing(console, aftersale):
    response = act(console, "refund", aftersale, note="", amount="")

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(aftersale.number in m for m in messages)
    assert AfterSaleRequest.objects.get(pk=aftersale.pk).status == "requested" and not Refund.objects.exists()


def test_exchange_through_the_console_records_the_replacement(console, user, delivered):
    _, biscuits = lines_of(delivered)
    exchange = aftersale_create(
        user=user, order_number=delivered.number, kind="exchange", reason="quality", items=[(biscuits.pk, 1)]
    )
    act(console, "approve", exchange, note="")
    act(console, "receive_unsellable", exchange, note="")

    act(console, "mark_exchanged", exchange, note="", carrier_code="sf", tracking_no="SF1500000001")

    exchange.refresh_from_db()
    assert exchange.status == "exchanged" and delivered.shipments.filter(tracking_no="SF1500000001").exists()


def test_customer_service_without_change_permission_cannot_act(make_user, aftersale):
    from django.contrib.auth.models import Permission

    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_aftersalerequest"))
    client = Client()
    client.force_login(viewer, backend="django.contrib.auth.backends.ModelBackend")

    act(client, "approve", aftersale, note="")

    assert AfterSaleRequest.objects.get(pk=aftersale.pk).status == "requested"
