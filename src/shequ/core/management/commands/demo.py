"""Set up the demo brand and serve it — the one command a new user runs."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_OPERATOR_PHONE = "13800000000"


class Command(BaseCommand):
    help = "Migrate, seed the demo brand (once), create the demo operator and serve on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
        parser.add_argument("--scale", type=float, default=1.0, help="Size of the demo data (default 1).")
        parser.add_argument("--no-serve", action="store_true", help="Prepare the demo but do not serve it.")

    def handle(self, *args, host, port, scale, no_serve, **options):
        from shequ.accounts.services.operators import demo_operator_ensure

        self.stdout.write("Preparing the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed", scale=scale, stdout=self.stdout)
        credentials_file = settings.DATA_DIR / "demo-operator.txt"
        password = demo_operator_ensure(phone=DEMO_OPERATOR_PHONE, credentials_file=credentials_file)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo ready."))
        self.stdout.write(f"  Shop and community : http://{host}:{port}/")
        self.stdout.write(f"  API docs           : http://{host}:{port}/api/v1/docs")
        self.stdout.write(f"  Operations console : http://{host}:{port}/admin/")
        self.stdout.write(f"  Operator login     : phone {DEMO_OPERATOR_PHONE}  password {password}")
        self.stdout.write("  Consumers log in with any mobile number; the SMS code is printed in this console.")
        self.stdout.write("")
        if not no_serve:
            call_command("serve", host=host, port=port)
