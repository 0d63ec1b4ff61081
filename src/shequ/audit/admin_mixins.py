"""Make any ModelAdmin write the audit log for views, changes and deletions of user data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from shequ.audit.models import AuditAction
from shequ.audit.services import audit_record
from shequ.core.clients import client_ip


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return str(value)


class AuditedModelAdmin(admin.ModelAdmin):
    """Every operator view, change and deletion of these objects goes to the audit log."""

    audit_views = True

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        if request.method == "GET" and self.audit_views:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(actor=request.user, action=AuditAction.VIEW, target=obj, ip=client_ip(request))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = {name: _jsonable(form.cleaned_data.get(name)) for name in form.changed_data}
        audit_record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            target=obj,
            changes=changed,
            ip=client_ip(request),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        ip = client_ip(request)
        for obj in formset.new_objects:
            audit_record(actor=request.user, action=AuditAction.CREATE, target=obj, ip=ip)
        for obj, fields in formset.changed_objects:
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE,
                target=obj,
                ip=ip,
                changes=dict.fromkeys(fields, "changed"),
            )
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action=AuditAction.DELETE, target=obj, ip=ip)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(actor=request.user, action=AuditAction.DELETE, target=obj, ip=client_ip(request))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action=AuditAction.DELETE, target=obj, ip=client_ip(request))
        super().delete_queryset(request, queryset)
