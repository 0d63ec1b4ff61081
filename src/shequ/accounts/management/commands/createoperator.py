from django.core.management.base import BaseCommand, CommandError

from shequ.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a back-office operator (or update one's roles). Roles: user-ops, content-ops, campaign-ops, "
        "analyst, customer-service, admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True, help="Mobile number the operator logs in with.")
        parser.add_argument(
            "--role", action="append", default=[], dest="roles", help="A role to grant; repeat for several."
        )
        parser.add_argument("--nickname", default="", help="Display name.")
        parser.add_argument("--password", default=None, help="Password (generated and printed when omitted).")
        parser.add_argument("--superuser", action="store_true", help="Grant every permission.")

    def handle(self, *args, phone, roles, nickname, password, superuser, **options):
        from shequ.accounts.services.operators import generate_password, operator_create

        password = password or generate_password()
        try:
            user, _ = operator_create(
                phone=phone, password=password, nickname=nickname, roles=roles or ["admin"], superuser=superuser
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Operator {user.nickname} ({user.phone_masked}) roles={','.join(roles or ['admin'])}")
        )
        self.stdout.write(f"Log in at /admin/ with phone {phone} and password {password}")
