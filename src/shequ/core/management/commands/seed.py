import random

from django.core.management.base import BaseCommand
from django.db import transaction

from shequ.core.seeding import SeedContext, run_seeders, seeders


class Command(BaseCommand):
    help = "Fill the database with a realistic demo brand. Seeders that already ran are skipped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every count (0.1 = a tenth of the demo data). Default 1."
        )
        parser.add_argument("--seed", type=int, default=20261124, help="Random seed, for repeatable data.")
        parser.add_argument("--only", nargs="*", help="Run only these seeders (names as listed by --list).")
        parser.add_argument("--force", action="store_true", help="Run seeders again even if they already ran.")
        parser.add_argument("--list", action="store_true", help="List the seeders and exit.")

    def handle(self, *args, scale, seed, only, force, list, **options):
        if list:
            for seeder in seeders():
                self.stdout.write(f"{seeder.order:4d}  {seeder.name}")
            return
        ctx = SeedContext(rng=random.Random(seed), scale=scale, log=self.stdout.write)
        self.stdout.write("Seeding demo data:")
        with transaction.atomic():
            ran = run_seeders(ctx, only=only, force=force)
        self.stdout.write(self.style.SUCCESS(f"Done ({len(ran)} seeders ran)."))
