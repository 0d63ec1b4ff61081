"""Stock counts from a spreadsheet: ``sku_code, on_hand[, reason]``, one row per SKU.

Same contract as the product import: every row is checked on its own and a bad row is reported while the good
rows go in; the stock rule (never below what orders hold, never negative) is applied by
``inventory.services.stock_set_many`` on rows it has locked, with a StockMovement per change; products are
touched once at the end; a dry run rolls everything back. Each row is a single stock update and ledger row,
so there is nothing to half-write. The stock export's extra columns (product name,
reserved, available…) are for reading and are ignored, so an exported sheet imports back unchanged.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shequ.catalog import cells
from shequ.catalog.exports import STOCK_COLUMNS
from shequ.catalog.import_report import ImportReport, RowError, check_columns
from shequ.catalog.imports import sku_ids_by_code
from shequ.catalog.selectors import product_ids_for_skus
from shequ.catalog.services import products_touch
from shequ.catalog.tabular import read_table
from shequ.core.errors import DomainError, InvalidInput
from shequ.inventory.models import MovementKind
from shequ.inventory.services import stock_set_many

COLUMNS = ["sku_code", "on_hand", "reason"]


def stock_import(
    *, data: bytes, filename: str = "", actor_id: int | None = None, dry_run: bool = False
) -> ImportReport:
    """Set on-hand stock per SKU from a CSV/XLSX file; report each row (``created`` stays 0 for stock)."""
    table = read_table(data)
    if "on_hand" not in table.columns and "stock" in table.columns:
        table.columns = ["on_hand" if name == "stock" else name for name in table.columns]
    report = ImportReport(kind="stock", filename=filename, dry_run=dry_run, header=table.header)
    check_columns(table, known=[*STOCK_COLUMNS, "stock"], required=["sku_code", "on_hand"], report=report)
    default_reason = f"import {filename}"[:64]
    records = list(table.records())
    ids = sku_ids_by_code(codes=[code for _n, record, _raw in records if (code := cells.text(record.get("sku_code")))])

    # Every row is checked on its own first; the good ones are then applied together under one lock.
    rows: dict[int, tuple[int, list, str]] = {}  # sku id → (row number, raw cells, on_hand cell)
    counts: dict[int, int] = {}
    reasons: dict[int, str] = {}
    for number, record, raw in records:
        errors: list[RowError] = []
        code = cells.text(record.get("sku_code"))
        sku_id = ids.get(code)
        if not code:
            errors.append(RowError(number, "sku_code", "required", str(_("Every row needs a SKU code."))))
        elif sku_id is None:
            message = _("No SKU has the code %(code)s.") % {"code": code}
            errors.append(RowError(number, "sku_code", "sku_unknown", str(message), code))
        elif sku_id in rows:
            message = _("The SKU code %(code)s is already on row %(row)d.") % {"code": code, "row": rows[sku_id][0]}
            errors.append(RowError(number, "sku_code", "sku_duplicate_in_file", str(message), code))
        value = record.get("on_hand")
        on_hand = None
        if cells.is_blank(value):
            errors.append(RowError(number, "on_hand", "required", str(_("Enter the quantity on hand."))))
        else:
            try:
                on_hand = cells.integer(value, minimum=-cells.MAX_INT)
            except InvalidInput as exc:
                errors.append(RowError(number, "on_hand", exc.code, str(exc.message), cells.text(value)))
            if on_hand is not None and on_hand < 0:
                message = str(_("Stock cannot be negative."))
                errors.append(RowError(number, "on_hand", "stock_negative", message, cells.text(value)))
        if errors:
            report.fail(number, raw, errors)
            continue
        rows[sku_id] = (number, raw, cells.text(value))
        counts[sku_id] = on_hand
        reasons[sku_id] = cells.text(record.get("reason"))[:64] or default_reason

    with transaction.atomic():
        results = stock_set_many(counts=counts, reasons=reasons, actor_id=actor_id, kind=MovementKind.IMPORT)
        changed: list[int] = []
        for sku_id, (number, raw, value) in sorted(rows.items(), key=lambda item: item[1][0]):
            outcome = results[sku_id]
            if isinstance(outcome, DomainError):
                report.fail(number, raw, [RowError(number, "on_hand", outcome.code, str(outcome.message), value)])
            elif outcome:
                changed.append(sku_id)
                report.count("updated")
            else:
                report.count("unchanged")
        report.failed_rows.sort(key=lambda item: item[0])
        report.errors.sort(key=lambda error: error.row)
        report.product_ids = set(product_ids_for_skus(sku_ids=sorted(changed)))
        products_touch(product_ids=report.product_ids)
        if dry_run:
            transaction.set_rollback(True)
    return report
