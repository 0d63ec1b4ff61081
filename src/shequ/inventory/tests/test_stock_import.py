"""Stock counts from a spreadsheet: movements per change, the reserved/negative rules per row, round trips."""

from __future__ import annotations

import csv
import io

import pytest

from shequ.catalog.exports import stock_export
from shequ.catalog.models import Product
from shequ.catalog.testing import make_product
from shequ.inventory.imports import stock_import
from shequ.inventory.models import MovementKind, StockLevel, StockMovement

pytestmark = pytest.mark.django_db


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def test_stock_import_sets_counts_and_writes_movements(user):
    # given two SKUs with 10 on hand
    make_product(skus=[{"code": "ST-1", "stock": 10}, {"code": "ST-2", "stock": 10}])

    # when a count is imported with a reason on one row
    rows = [["sku_code", "on_hand", "reason"], ["ST-1", "25", "stock-take March"], ["ST-2", "4", ""]]
    report = stock_import(data=csv_bytes(rows), filename="count.csv", actor_id=user.pk)

    # then both levels change and each change is in the ledger with who and why
    assert (report.updated, report.unchanged, report.failed) == (2, 0, 0)
    levels = dict(StockLevel.objects.values_list("sku__code", "on_hand"))
    assert levels == {"ST-1": 25, "ST-2": 4}
    movements = {m.sku.code: m for m in StockMovement.objects.filter(kind=MovementKind.IMPORT).select_related("sku")}
    assert (movements["ST-1"].on_hand_delta, movements["ST-1"].reference) == (15, "stock-take March")
    assert (movements["ST-2"].on_hand_delta, movements["ST-2"].reference) == (-6, "import count.csv")
    assert {m.actor_id for m in movements.values()} == {user.pk}


def test_below_reserved_negative_and_unknown_rows_are_refused_alone():
    make_product(skus=[{"code": "R-1", "stock": 10}, {"code": "R-2", "stock": 10}, {"code": "R-3", "stock": 10}])
    StockLevel.objects.filter(sku__code="R-1").update(reserved=8)
    rows = [
        ["sku_code", "on_hand"],
        ["R-1", "5"],  # below what orders hold
        ["R-2", "-3"],  # negative
        ["NOPE", "1"],  # no such SKU
        ["R-3", "12.5"],  # not a whole number
        ["R-2", "30"],  # good
        ["R-3", "0"],  # good
    ]

    report = stock_import(data=csv_bytes(rows), filename="bad.csv")

    assert (report.updated, report.failed) == (2, 4)
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, "on_hand", "stock_below_reserved"),
        (3, "on_hand", "stock_negative"),
        (4, "sku_code", "sku_unknown"),
        (5, "on_hand", "int_invalid"),
    ]
    assert dict(StockLevel.objects.values_list("sku__code", "on_hand")) == {"R-1": 10, "R-2": 30, "R-3": 0}
    assert StockMovement.objects.filter(kind=MovementKind.IMPORT).count() == 2


def test_importing_stock_refreshes_in_stock_on_the_product():
    product = make_product(skus=[{"code": "OUT-1", "stock": 0}])
    assert product.in_stock is False

    stock_import(data=csv_bytes([["sku_code", "stock"], ["OUT-1", "3"]]), filename="in.csv")

    product.refresh_from_db()
    assert product.in_stock is True


def test_stock_export_imports_back_unchanged():
    make_product(skus=[{"code": "RT-1", "stock": 5}, {"code": "RT-2", "stock": 0}])

    for fmt in ("csv", "xlsx"):
        report = stock_import(data=stock_export(fmt=fmt), filename=f"stock.{fmt}")

        assert (report.updated, report.unchanged, report.failed, report.warnings) == (0, 2, 0, [])
    assert not StockMovement.objects.filter(kind=MovementKind.IMPORT).exists()


def test_a_dry_run_changes_no_stock():
    make_product(skus=[{"code": "DR-1", "stock": 5}])

    report = stock_import(data=csv_bytes([["sku_code", "on_hand"], ["DR-1", "9"]]), filename="d.csv", dry_run=True)

    assert report.updated == 1
    assert StockLevel.objects.get(sku__code="DR-1").on_hand == 5
    assert not StockMovement.objects.filter(kind=MovementKind.IMPORT).exists()


def test_a_sku_twice_in_a_count_is_reported():
    make_product(skus=[{"code": "TW-1", "stock": 5}])

    report = stock_import(data=csv_bytes([["sku_code", "on_hand"], ["TW-1", "6"], ["TW-1", "7"]]), filename="t.csv")

    assert (report.updated, report.failed) == (1, 1)
    assert report.errors[0].code == "sku_duplicate_in_file"
    assert StockLevel.objects.get(sku__code="TW-1").on_hand == 6
    assert Product.objects.count() == 1
