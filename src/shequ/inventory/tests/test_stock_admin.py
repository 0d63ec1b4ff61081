"""The stock back office: changes go through the stock service with the operator and a reason."""

from __future__ import annotations

import io

import pytest
from conftest import next_phone
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from shequ.accounts.services.operators import operator_create
from shequ.catalog.testing import make_product
from shequ.inventory.models import MovementKind, StockLevel, StockMovement

pytestmark = pytest.mark.django_db


def operator(*roles: str) -> Client:
    user, _ = operator_create(phone=next_phone(), password="Operator-2026", roles=list(roles))
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["sq_lang"] = "en"  # these tests read the console's messages in English
    client.operator = user
    return client


def _change(ops: Client, sku_id: int, **data):
    payload = {"on_hand": "10", "low_stock_threshold": "10", "reason": ""} | {k: str(v) for k, v in data.items()}
    return ops.post(f"/admin/inventory/stocklevel/{sku_id}/change/", payload)


def test_changing_stock_writes_a_movement_with_the_operator_and_reason():
    sku = make_product(skus=[{"code": "ADJ-1", "stock": 10}]).skus.get()
    ops = operator("admin")

    response = _change(ops, sku.pk, on_hand=7, reason="broken cartons")

    assert response.status_code == 302
    assert StockLevel.objects.get(pk=sku.pk).on_hand == 7
    movement = StockMovement.objects.get(sku=sku, kind=MovementKind.ADJUST)
    assert (movement.on_hand_delta, movement.reference, movement.actor_id) == (-3, "broken cartons", ops.operator.pk)


def test_a_stock_change_needs_a_reason():
    sku = make_product(skus=[{"code": "ADJ-2", "stock": 10}]).skus.get()

    response = _change(operator("admin"), sku.pk, on_hand=20)

    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    assert StockLevel.objects.get(pk=sku.pk).on_hand == 10
    assert not StockMovement.objects.filter(sku=sku).exists()


def test_stock_cannot_be_set_below_what_orders_hold():
    sku = make_product(skus=[{"code": "ADJ-3", "stock": 10}]).skus.get()
    StockLevel.objects.filter(pk=sku.pk).update(reserved=6)

    response = _change(operator("admin"), sku.pk, on_hand=5, reason="count")

    assert response.status_code == 200
    assert "6 units are held by open orders" in response.content.decode()
    assert StockLevel.objects.get(pk=sku.pk).on_hand == 10


def test_changing_only_the_alert_level_needs_no_reason_and_moves_no_stock():
    sku = make_product(skus=[{"code": "ADJ-4", "stock": 10}]).skus.get()

    response = _change(operator("admin"), sku.pk, low_stock_threshold=3)

    assert response.status_code == 302
    assert StockLevel.objects.get(pk=sku.pk).low_stock_threshold == 3
    assert not StockMovement.objects.filter(sku=sku).exists()


def test_the_stock_list_flags_low_stock_in_a_fixed_number_of_queries():
    ops = operator("admin")
    make_product(skus=[{"code": "LOW-1", "stock": 2}, {"code": "FULL-1", "stock": 50}])
    ops.get("/admin/inventory/stocklevel/")

    with CaptureQueriesContext(connection) as few:
        page = ops.get("/admin/inventory/stocklevel/", {"stock": "low"})
    for n in range(10):
        make_product(skus=[{"code": f"MORE-{n}", "stock": 1}])
    with CaptureQueriesContext(connection) as many:
        ops.get("/admin/inventory/stocklevel/", {"stock": "low"})

    text = page.content.decode()
    assert "LOW-1" in text and "FULL-1" not in text
    assert len(many) == len(few)


def test_the_ledger_is_read_only():
    sku = make_product(skus=[{"code": "LED-1", "stock": 10}]).skus.get()
    ops = operator("admin")
    _change(ops, sku.pk, on_hand=11, reason="found one")
    movement = StockMovement.objects.get(sku=sku)

    assert "LED-1" in ops.get("/admin/inventory/stockmovement/").content.decode()
    assert ops.get("/admin/inventory/stockmovement/add/").status_code == 403
    assert ops.post(f"/admin/inventory/stockmovement/{movement.pk}/delete/", {"post": "yes"}).status_code == 403
    assert StockMovement.objects.filter(pk=movement.pk).exists()


def test_stock_import_page_permissions_and_happy_path():
    make_product(skus=[{"code": "IMP-1", "stock": 1}])
    url = "/admin/inventory/stocklevel/import/"

    assert operator("analyst").get(url).status_code == 403

    ops = operator("admin")
    assert url in ops.get("/admin/inventory/stocklevel/").content.decode()
    data = "sku_code,on_hand,reason\r\nIMP-1,40,到货\r\nNOPE,1,\r\n".encode("gb18030")
    response = ops.post(url, {"file": SimpleUploadedFile("盘点.csv", data)})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<strong data-count="updated">1</strong>' in page and '<strong data-count="failed">1</strong>' in page
    assert "No SKU has the code NOPE" in page
    movement = StockMovement.objects.get(kind=MovementKind.IMPORT)
    assert (movement.on_hand_delta, movement.reference, movement.actor_id) == (39, "到货", ops.operator.pk)


def test_stock_export_from_the_admin():
    make_product(skus=[{"code": "EXP-1", "stock": 4}])

    response = operator("admin").get("/admin/inventory/stocklevel/export/", {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("sku_code", "product_name")
    assert (rows[1][0], rows[1][4]) == ("EXP-1", 4)
