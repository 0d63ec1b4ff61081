"""Recompute every points balance from the ledger: `python -m shequ loyalty_rebuild_balances [--check]`."""

from django.core.management.base import BaseCommand

from shequ.loyalty.services import points_balances_rebuild


class Command(BaseCommand):
    help = "Recompute points balances (and held points) from the ledger; --check only reports."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report wrong balances without fixing them")
        parser.add_argument("--user", type=int, action="append", dest="users", help="only this user id (repeatable)")

    def handle(self, *args, check=False, users=None, **options):
        wrong = points_balances_rebuild(user_ids=users, fix=not check)
        for row in wrong[:50]:
            self.stdout.write(f"user {row.user_id}: {row.was} -> {row.now}")
        verb = "found" if check else "fixed"
        self.stdout.write(self.style.SUCCESS(f"{len(wrong)} balance(s) {verb}"))
        if check and wrong:
            raise SystemExit(1)
