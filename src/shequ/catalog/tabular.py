"""The spreadsheets operators exchange with the back office: CSV and XLSX in, CSV and XLSX out.

Reading accepts what Chinese office software actually produces: UTF-8 with or without a BOM, GBK/GB18030
("CSV" from Excel on a Chinese Windows), UTF-16 ("Unicode text"), comma/tab/semicolon separators, and XLSX.
Every file is capped in bytes and rows before it is parsed further, and an XLSX is checked for a zip bomb
before openpyxl inflates it. Writing produces CSV as UTF-8 *with* a BOM (otherwise Excel guesses GBK and
shows mojibake) and escapes cells that a spreadsheet would run as a formula (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX is a zip: a small upload can inflate to gigabytes. openpyxl reads the whole shared-strings part.
MAX_XLSX_INFLATED_BYTES = 200 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


@dataclass
class Table:
    """A parsed upload: normalised column names and the non-blank data rows with their sheet row numbers."""

    columns: list[str]
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    format: str = "csv"

    def records(self) -> Iterable[tuple[int, dict[str, Any], list[Any]]]:
        """(row number, {column: value}, the raw cells) for every data row."""
        width = len(self.columns)
        for number, cells in self.rows:
            padded = list(cells[:width]) + [None] * (width - len(cells))
            yield number, {name: value for name, value in zip(self.columns, padded, strict=True) if name}, padded


def normalise_column(name: Any) -> str:
    text = str(name or "").replace("\ufeff", "").strip().lower()
    return "_".join(text.replace("-", " ").split())


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def read_table(data: bytes, *, max_rows: int | None = None, max_bytes: int | None = None) -> Table:
    """Parse an uploaded CSV or XLSX. Raises InvalidInput for a file that cannot be read as a whole."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    if not data:
        raise InvalidInput("file_empty", _("The file is empty."))
    if len(data) > max_bytes:
        raise InvalidInput(
            "file_too_large",
            _("The file is larger than %(mb)d MB; split it into smaller files.") % {"mb": max_bytes // (1024 * 1024)},
        )
    if data.startswith(_OLE_MAGIC):
        raise InvalidInput("file_xls", _("Old .xls files are not supported; save the sheet as .xlsx or CSV."))
    table = _read_xlsx(data, max_rows=max_rows) if data.startswith(_XLSX_MAGIC) else _read_csv(data, max_rows=max_rows)
    seen: set[str] = set()
    for name in table.columns:
        if name and name in seen:
            raise InvalidInput("file_duplicate_column", _("The column %(name)s appears twice.") % {"name": name})
        seen.add(name)
    return table


def _too_many_rows(max_rows: int) -> InvalidInput:
    return InvalidInput(
        "file_too_many_rows",
        _("The file has more than %(max)d rows; split it into smaller files.") % {"max": max_rows},
    )


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        # UTF-8 is strict enough that GBK text almost never decodes as UTF-8 by accident; GB18030 is the
        # superset of GBK/GB2312 that Chinese Excel writes.
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("file_encoding", _("The file's text encoding was not recognised; save it as UTF-8 CSV."))


def _read_csv(data: bytes, *, max_rows: int) -> Table:
    text = _decode(data)
    if "\x00" in text:
        # Text never holds NUL (and PostgreSQL refuses it): this is UTF-16 without its BOM, or not text at all.
        raise InvalidInput("file_encoding", _("The file's text encoding was not recognised; save it as UTF-8 CSV."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or _is_blank(header):
            raise InvalidInput("file_no_header", _("The first row must hold the column names."))
        table = Table(columns=[normalise_column(h) for h in header], header=list(header), format="csv")
        for number, cells in enumerate(reader, start=2):
            if _is_blank(cells):
                continue
            if len(table.rows) >= max_rows:
                raise _too_many_rows(max_rows)
            table.rows.append((number, cells))
    except csv.Error as exc:
        raise InvalidInput("file_unreadable", _("The CSV file could not be read: %(error)s") % {"error": exc}) from exc
    return table


def _read_xlsx(data: bytes, *, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InvalidInput("file_unreadable", _("The file is neither a CSV nor an XLSX file.")) from exc
    if inflated > MAX_XLSX_INFLATED_BYTES:
        raise InvalidInput("file_too_large", _("The spreadsheet is too large once unpacked; split it."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean "cannot read it"
        raise InvalidInput("file_unreadable", _("The XLSX file could not be read.")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or _is_blank(header):
            raise InvalidInput("file_no_header", _("The first row must hold the column names."))
        while header and header[-1] is None:
            header = header[:-1]
        table = Table(
            columns=[normalise_column(h) for h in header],
            header=["" if h is None else str(h) for h in header],
            format="xlsx",
        )
        for number, cells in enumerate(rows, start=2):
            if _is_blank(cells):
                continue
            if len(table.rows) >= max_rows:
                raise _too_many_rows(max_rows)
            table.rows.append((number, list(cells)))
    except InvalidInput:
        raise
    except Exception as exc:
        raise InvalidInput("file_unreadable", _("The XLSX file could not be read.")) from exc
    finally:
        workbook.close()
    return table


# --- writing ---------------------------------------------------------------------------------------------


def escape_formula(value: str) -> str:
    """Prefix text a spreadsheet would evaluate (=, +, -, @, tab, CR) with an apostrophe."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """Undo ``escape_formula`` so an exported file imports back unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _local(value: datetime) -> datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value


def format_datetime(value: datetime) -> str:
    """Shanghai wall-clock time, as short as exact: 2026-01-31 10:00, or with seconds when they matter."""
    local = _local(value)
    if local.microsecond:
        return local.strftime("%Y-%m-%d %H:%M:%S.%f")
    if local.second:
        return local.strftime("%Y-%m-%d %H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_formula(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM and CRLF line ends: what Excel opens correctly, Chinese included."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    text_columns: Iterable[str] = (),
    money_columns: Iterable[str] = (),
) -> bytes:
    """A one-sheet workbook; text columns (codes, barcodes) stay text so Excel cannot turn them into numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    text_at = {i for i, name in enumerate(header) if name in set(text_columns)}
    money_at = {i for i, name in enumerate(header) if name in set(money_columns)}
    bold = Font(bold=True)

    def header_cell(name: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        return cell

    sheet.append([header_cell(name) for name in header])
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", escape_formula(value))
            elif isinstance(value, datetime):
                value = _local(value)
            elif isinstance(value, Decimal | int) and index in text_at:
                value = str(value)
            cell = WriteOnlyCell(sheet, value=value)
            if index in text_at:
                cell.number_format = "@"
            elif index in money_at and value is not None:
                cell.number_format = "0.00"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_table(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], **xlsx_options: Any) -> bytes:
    if fmt == "xlsx":
        return write_xlsx(header, rows, **xlsx_options)
    return write_csv(header, rows)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
