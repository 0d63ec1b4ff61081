from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shequ.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from shequ.accounts import data_rights, roles, seed
        from shequ.core import personal_data, seeding

        personal_data.register(
            "account", export=data_rights.export_account, erase=data_rights.erase_account, order=1000
        )
        seeding.register_seeder("accounts.users", seed.seed_users, order=10)
        # Groups are infrastructure, not business flow: keep them in step with the role map after migrate.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="shequ.roles_sync")
