"""Pieces the catalog and inventory admin pages share: service errors shown as messages, the category tree
as an indented choice and as a list filter that includes subcategories."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from shequ.catalog import admin_selectors
from shequ.catalog.models import Category
from shequ.core.errors import DomainError


class DomainErrorsAsMessages:
    """A rule a service enforces at save time (stock held by orders, say) comes back as a message on the
    same page instead of a server error; the admin's transaction has already rolled the save back."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())


def indented(category: Category) -> str:
    return f"{'— ' * category.depth}{category.name}"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return indented(obj)


class CategoryTreeFilter(admin.SimpleListFilter):
    """A category and everything under it (one indexed prefix match on the materialised path)."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(str(c.pk), indented(c)) for c in admin_selectors.category_tree().only("pk", "name", "depth")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        path = admin_selectors.category_path(category_id=self.value())
        if path is None:
            return queryset.none()
        return queryset.filter(category__path__startswith=path)
