"""``shequ exportcatalog FILE [--stock]``: every product and SKU (or every SKU's stock) as CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shequ.catalog.exports import products_export, stock_export


class Command(BaseCommand):
    help = "Export the catalog (or, with --stock, stock per SKU); the format follows the extension (.csv or .xlsx)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="where to write: a .csv or .xlsx path")
        parser.add_argument("--stock", action="store_true", help="export stock per SKU instead of products")

    def handle(self, *args, file: str, stock: bool, **options):
        target = Path(file)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in {"csv", "xlsx"}:
            raise CommandError("the file name must end in .csv or .xlsx")
        data = stock_export(fmt=fmt) if stock else products_export(fmt=fmt)
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {target}: {exc.strerror}") from exc
        self.stdout.write(f"wrote {target} ({len(data)} bytes)")
