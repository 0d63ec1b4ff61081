"""Operator roles and what each may do in the back office.

Patterns name permissions as ``app_label.codename`` with ``*`` wildcards; they are expanded against the
permissions that exist, so a later app only has to appear here to reach the right people. The analyst
role sees behaviour data but not the user table (no personal data), customer service sees users and their
addresses to help with orders, and only the admin role may read the audit log.
"""

from __future__ import annotations

from fnmatch import fnmatch

from django.apps import apps as django_apps
from django.utils.translation import gettext_lazy as _

ROLES: dict[str, dict] = {
    "admin": {"label": _("Administrator"), "permissions": ["*"]},
    "user-ops": {
        "label": _("User operations"),
        "permissions": [
            "accounts.view_user",
            "accounts.change_user",
            "accounts.view_preferences",
            "accounts.view_privacysettings",
            "accounts.view_socialaccount",
            "analytics.view_event",
            "loyalty.*",
            "notifications.*",
            "recommendations.view_*",
        ],
    },
    "content-ops": {
        "label": _("Content operations"),
        "permissions": ["community.*", "moderation.*", "articles.*", "catalog.view_*", "accounts.view_user"],
    },
    "campaign-ops": {
        "label": _("Campaign operations"),
        "permissions": ["loyalty.*", "campaigns.*", "catalog.view_*", "catalog.change_product", "analytics.view_event"],
    },
    "analyst": {
        "label": _("Data analyst"),
        "permissions": ["analytics.view_*", "catalog.view_*", "orders.view_order", "recommendations.view_*"],
    },
    "customer-service": {
        "label": _("Customer service"),
        "permissions": [
            "accounts.view_user",
            "accounts.view_address",
            "accounts.change_address",
            "orders.view_*",
            "orders.change_order",
            "logistics.view_*",
            "aftersales.*",
            "support.*",
            "payments.view_*",
        ],
    },
}


def permission_codes_for(patterns: list[str]) -> set[tuple[str, str]]:
    from django.contrib.auth.models import Permission

    available = Permission.objects.values_list("content_type__app_label", "codename")
    return {(app, code) for app, code in available if any(fnmatch(f"{app}.{code}", p) for p in patterns)}


def roles_sync() -> None:
    """Create the role groups and set each one's permissions to exactly what ROLES says."""
    from django.contrib.auth.models import Group, Permission

    all_permissions = {
        (p.content_type.app_label, p.codename): p for p in Permission.objects.select_related("content_type")
    }
    for name, spec in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = permission_codes_for(spec["permissions"])
        group.permissions.set([all_permissions[key] for key in wanted if key in all_permissions])


def sync_after_migrate(sender, app_config=None, **kwargs) -> None:
    # post_migrate is sent once per app that has models; run once, after the last one's permissions exist.
    with_models = [config for config in django_apps.get_app_configs() if config.models_module is not None]
    if app_config is None or app_config.label != with_models[-1].label:
        return
    roles_sync()
