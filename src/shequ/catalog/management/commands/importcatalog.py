"""``shequ importcatalog FILE [--dry-run] [--stock]``: the admin's spreadsheet import, from the command line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shequ.catalog.import_report import ImportReport
from shequ.catalog.imports import catalog_import
from shequ.core.errors import DomainError


def report_lines(report: ImportReport) -> list[str]:
    """The report as plain text, one line per fact, for the terminal."""
    lines = [
        f"{report.filename}: {report.total} rows" + (" (dry run: nothing was saved)" if report.dry_run else ""),
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, failed {report.failed}",
    ]
    lines += [f"warning: {warning}" for warning in report.warnings]
    for error in report.errors:
        where = f"row {error.row}" + (f", {error.column}" if error.column else "")
        value = f" [{error.value}]" if error.value else ""
        lines.append(f"{where}: {error.message}{value}")
    return lines


class Command(BaseCommand):
    help = (
        "Import products and SKUs (or, with --stock, stock counts) from a CSV or XLSX file. Bad rows are "
        "reported and skipped; the good rows go in. Exits with status 2 when any row failed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, but save nothing")
        parser.add_argument("--stock", action="store_true", help="the file holds stock counts (sku_code, on_hand)")
        parser.add_argument("--errors", metavar="CSV", help="also write the failed rows to this CSV file")
        parser.add_argument("--actor-id", type=int, default=None, help="operator id recorded on stock movements")

    def handle(self, *args, file: str, dry_run: bool, stock: bool, errors: str | None, actor_id: int | None, **options):
        source = Path(file)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc.strerror}") from exc
        try:
            if stock:
                from shequ.inventory.imports import stock_import

                report = stock_import(data=data, filename=source.name, actor_id=actor_id, dry_run=dry_run)
            else:
                report = catalog_import(data=data, filename=source.name, actor_id=actor_id, dry_run=dry_run)
        except DomainError as exc:
            raise CommandError(f"{source.name}: {exc.message}") from exc
        for line in report_lines(report):
            self.stdout.write(line)
        if errors and report.failed:
            Path(errors).write_bytes(report.errors_csv())
            self.stdout.write(f"failed rows written to {errors}")
        if report.failed:
            raise CommandError(f"{report.failed} rows failed", returncode=2)
