"""What an import did to each row of a file: counts, row errors, and the failed rows as a CSV the operator can
fix and upload again. Shared by the product import and the stock import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from shequ.catalog import cells
from shequ.catalog.tabular import Table, write_csv
from shequ.core.errors import DomainError, InvalidInput

# Added by the error report; ignored when the fixed report is uploaded again.
REPORT_COLUMNS = ("source_row", "errors")


@dataclass
class RowError:
    row: int
    column: str
    code: str
    message: str
    value: str = ""


@dataclass
class ImportReport:
    """What an import did, row by row; the admin page and the command print it."""

    kind: str
    filename: str
    dry_run: bool
    header: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    failed_rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    product_ids: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def fail(self, row: int, raw: list[Any], errors: list[RowError]) -> None:
        self.failed += 1
        self.errors.extend(errors)
        self.failed_rows.append((row, raw))

    def errors_csv(self) -> bytes:
        """The failed rows as uploaded, plus the row number and what is wrong: fix them and upload this file."""
        header = list(self.header)
        messages: dict[int, list[str]] = {}
        for error in self.errors:
            label = f"{error.column}: {error.message}" if error.column else error.message
            messages.setdefault(error.row, []).append(label)
        width = len(header)
        rows = [
            [*(list(raw[:width]) + [None] * (width - len(raw))), row, "; ".join(messages.get(row, []))]
            for row, raw in self.failed_rows
        ]
        return write_csv([*header, *REPORT_COLUMNS], rows)


def row_error(row: int, column: str, exc: DomainError, value: Any = None) -> RowError:
    return RowError(row=row, column=column, code=exc.code, message=str(exc.message), value=cells.text(value))


def check_columns(table: Table, *, known: list[str], required: list[str], report: ImportReport) -> None:
    """Refuse a file without the key columns; warn (not fail) about columns the import does not know."""
    present = set(table.columns)
    missing = [name for name in required if name not in present]
    if missing:
        raise InvalidInput(
            "file_missing_column",
            _("The file has no %(columns)s column; the first row must hold the column names.")
            % {"columns": ", ".join(missing)},
        )
    for name, original in zip(table.columns, table.header, strict=False):
        if name and name not in known and name not in REPORT_COLUMNS:
            report.warnings.append(str(_("The column “%(name)s” is not known and was ignored.") % {"name": original}))
