"""The report page: /reports/new/?type=post&id=42 (reason, optional note), then a thank-you."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from shequ.core.errors import DomainError, InvalidInput, NotFound
from shequ.core.web import add_domain_error, safe_next
from shequ.moderation import services
from shequ.moderation.forms import ReportForm
from shequ.moderation.targets import TARGET_TYPES, target_find


@login_required
@require_http_methods(["GET", "POST"])
def report_new_view(request: HttpRequest) -> HttpResponse:
    target_type = (request.GET.get("type") or request.POST.get("type") or "").strip().lower()
    raw_id = request.GET.get("id") or request.POST.get("id") or ""
    if target_type not in TARGET_TYPES or not raw_id.isdigit():
        raise InvalidInput("report_target_invalid", _("This cannot be reported."))
    target = target_find(target_type=target_type, target_id=int(raw_id))
    if target is None:
        raise NotFound("report_target_not_found", _("What you are reporting does not exist any more."))
    form = ReportForm(request.POST or None)
    status = 200
    back = safe_next(request, target.url or "/")
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_create(
                    reporter=request.user,
                    target_type=target_type,
                    target_id=target.id,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                template = "moderation/_thanks.html" if request.htmx else "moderation/thanks.html"
                return render(request, template, {"back": back})
        else:
            status = 400
    return render(
        request,
        "moderation/report_new.html",
        {"form": form, "target": target, "target_type": target_type, "back": back},
        status=status,
    )
