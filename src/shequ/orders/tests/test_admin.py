"""The operators' order desk: filters, bulk shipping with tracking numbers, CSV/XLSX export."""

import io

import pytest
from django.test import Client

from shequ.audit.models import AuditEntry
from shequ.orders.models import OrderStatus
from shequ.orders.testing import mark_paid, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def paid_orders(user, shop):
    return [mark_paid(place_order(user, lines=[(shop["sku"], 1)])) for _ in range(2)]


def test_changelist_with_filters(operator, paid_orders):
    response = operator.get("/admin/orders/order/?todo=to_ship&status=paid")
    assert response.status_code == 200
    assert paid_orders[0].number in response.content.decode()


def test_order_page_shows_the_timeline(operator, paid_orders):
    response = operator.get(f"/admin/orders/order/{paid_orders[0].pk}/change/")
    assert response.status_code == 200
    assert "paid" in response.content.decode()


def test_bulk_ship_asks_for_tracking_numbers_then_ships(operator, paid_orders, user, shop, stock_of):
    unpaid = place_order(user, lines=[(shop["sku"], 1)])
    ids = [str(o.pk) for o in [*paid_orders, unpaid]]

    form = operator.post("/admin/orders/order/", {"action": "ship_selected", "_selected_action": ids})
    assert form.status_code == 200
    assert "tracking" in form.content.decode().lower()

    data = {
        "action": "ship_selected",
        "_selected_action": ids,
        "apply": "1",
        "ship-TOTAL_FORMS": "2",
        "ship-INITIAL_FORMS": "2",
        "ship-0-order_id": str(paid_orders[0].pk),
        "ship-0-carrier_code": "std",
        "ship-0-tracking_no": "SF0000000001",
        "ship-1-order_id": str(paid_orders[1].pk),
        "ship-1-carrier_code": "std",
        "ship-1-tracking_no": "SF0000000002",
    }
    done = operator.post("/admin/orders/order/", data)

    assert done.status_code == 302
    for order in paid_orders:
        order.refresh_from_db()
        assert order.status == OrderStatus.SHIPPED
    unpaid.refresh_from_db()
    assert unpaid.status == OrderStatus.PENDING_PAYMENT
    assert stock_of(shop["sku"]) == (8, 1)


def test_bulk_ship_reports_a_taken_tracking_number(operator, paid_orders):
    data = {
        "action": "ship_selected",
        "_selected_action": [str(o.pk) for o in paid_orders],
        "apply": "1",
        "ship-TOTAL_FORMS": "2",
        "ship-INITIAL_FORMS": "2",
        "ship-0-order_id": str(paid_orders[0].pk),
        "ship-0-carrier_code": "std",
        "ship-0-tracking_no": "SF0000000009",
        "ship-1-order_id": str(paid_orders[1].pk),
        "ship-1-carrier_code": "std",
        "ship-1-tracking_no": "SF0000000009",
    }
    operator.post("/admin/orders/order/", data)

    statuses = sorted(o.status for o in type(paid_orders[0]).objects.filter(pk__in=[o.pk for o in paid_orders]))
    assert statuses == [OrderStatus.PAID, OrderStatus.SHIPPED]


def test_export_csv_and_xlsx(operator, paid_orders):
    ids = [str(o.pk) for o in paid_orders]

    csv_response = operator.post("/admin/orders/order/", {"action": "export_csv", "_selected_action": ids})
    xlsx_response = operator.post("/admin/orders/order/", {"action": "export_xlsx", "_selected_action": ids})

    text = csv_response.content.decode("utf-8-sig")
    assert csv_response["Content-Type"] == "text/csv"
    assert paid_orders[0].number in text and "王小明" in text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet.max_row == 3
    assert AuditEntry.objects.filter(reason="order_export").count() == 2


def test_customer_service_cannot_export_without_permission(make_user, paid_orders):
    nobody = make_user(is_staff=True)
    client = Client()
    client.force_login(nobody, backend="django.contrib.auth.backends.ModelBackend")

    assert client.get("/admin/orders/order/").status_code == 403
