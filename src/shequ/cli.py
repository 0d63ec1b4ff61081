"""The ``shequ`` command: a friendly front end to Django's management commands."""

from __future__ import annotations

import os
import sys

HELP = """\
Shequ — brand community commerce.

Usage: shequ <command> [options]

Getting started
  demo             Set up a demo brand and serve it: migrate, seed demo data, create an
                   operator (its login is printed) and serve on http://127.0.0.1:8000
                   (--host, --port). Safe to run again: nothing is seeded twice.
  serve            Serve the site (--host, --port, --workers, --threads). Applies pending
                   migrations first on the embedded SQLite default.

Managing data
  migrate          Create or upgrade the database tables.
  seed             Fill the database with demo data (--scale 0.1 for a small set).
  createoperator   Create a back-office operator: --phone, --role (user-ops, content-ops,
                   campaign-ops, analyst, customer-service, admin), --password or a generated one.
  importcatalog    Import products and SKUs from a CSV/XLSX file (--dry-run to check only, --stock
                   for stock counts); bad rows are reported and skipped, the good rows go in.
  exportcatalog    Export every product and SKU (--stock: stock per SKU) to a .csv or .xlsx file.

Everything else
  help <command>   Options of one command, e.g. `shequ help serve`.
  help --all       Every available command (Django's full list).

Configuration is read from the environment (DATABASE_URL, REDIS_URL, CELERY_BROKER_URL, SECRET_KEY,
SHEQU_DATA_DIR, ...); see the README. With none set, Shequ runs on SQLite under ./var.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.config.settings")
    args = argv[1:]
    if not args or args[0] in {"-h", "--help"} or args == ["help"]:
        sys.stdout.write(HELP)
        return
    if args[0] == "help" and args[1:] == ["--all"]:
        argv = [argv[0], "help"]
    elif args[0] == "help":
        argv = [argv[0], args[1], "--help"]
    if args[0] in {"-V", "--version"}:
        from shequ import __version__

        sys.stdout.write(f"shequ {__version__}\n")
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
