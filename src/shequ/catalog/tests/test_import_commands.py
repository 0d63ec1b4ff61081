"""`shequ importcatalog` and `shequ exportcatalog`: the admin's import and export from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from shequ.catalog.models import SKU
from shequ.catalog.testing import make_brand, make_category, make_product
from shequ.inventory.models import StockLevel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The import report's messages are asserted in English (the operator's language here)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_then_dry_run_import_reports_everything_unchanged(tmp_path, extension):
    make_product(skus=[{"code": "CMD-1"}, {"code": "CMD-2"}])
    target = tmp_path / f"catalog.{extension}"

    assert "wrote" in run("exportcatalog", str(target))
    output = run("importcatalog", str(target), "--dry-run")

    assert "created 0, updated 0, unchanged 2, failed 0" in output
    assert "dry run" in output


def test_import_prints_row_errors_writes_them_out_and_exits_2(tmp_path):
    make_brand("伊利", slug="yili")
    make_category("牛奶", slug="milk")
    source = tmp_path / "new.csv"
    source.write_text(
        "sku_code,product_slug,product_name,brand,category,list_price\n"
        "C-1,c,好,yili,milk,5\n"
        "C-2,c2,坏,yili,milk,5.555\n",
        encoding="gbk",
    )
    errors = tmp_path / "errors.csv"
    out = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("importcatalog", str(source), "--errors", str(errors), stdout=out)

    assert caught.value.returncode == 2
    assert "created 1, updated 0, unchanged 0, failed 1" in out.getvalue()
    assert "row 3, list_price: A price has at most 2 decimal places" in out.getvalue()
    assert "C-2" in errors.read_bytes().decode("utf-8-sig")
    assert SKU.objects.filter(code="C-1").exists()


def test_stock_import_from_the_command_line(tmp_path):
    make_product(skus=[{"code": "CS-1", "stock": 1}])
    source = tmp_path / "stock.csv"
    source.write_text("sku_code,on_hand\nCS-1,9\n", encoding="utf-8")

    output = run("importcatalog", str(source), "--stock")

    assert "updated 1" in output
    assert StockLevel.objects.get(sku__code="CS-1").on_hand == 9


def test_unusable_files_and_names_are_command_errors(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("importcatalog", str(tmp_path / "missing.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("importcatalog", str(empty))
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("exportcatalog", str(tmp_path / "catalog.txt"))
