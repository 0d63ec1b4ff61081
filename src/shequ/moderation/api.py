"""API v1 of the moderation module: report content or people, list the reasons, see my reports."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from shequ.accounts.api_auth import user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.core.pagination import PageNumberPagination
from shequ.moderation import selectors, services

router = Router(tags=["moderation"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class ReasonOut(Schema):
    code: str
    label: str


class ReportIn(Schema):
    target_type: str = Field(..., max_length=16, description="post, comment, user, review, answer or message")
    target_id: int
    reason: str = Field(..., max_length=16)
    note: str = Field("", max_length=services.NOTE_MAX * 4)


class ReportOut(Schema):
    id: int
    target_type: str
    target_id: int
    reason: str
    status: str
    created_at: datetime
    resolved_at: datetime | None


@router.get("/reasons", response=list[ReasonOut])
def reasons(request: HttpRequest):
    """The reasons a report can give, with labels in the request's language."""
    return [{"code": code, "label": label} for code, label in selectors.report_reasons()]


@router.post("/reports", response={201: ReportOut, **ERRORS}, auth=user_auth)
def report_create(request: HttpRequest, payload: ReportIn):
    """Report something. 409 ``report_duplicate`` while your earlier report on it is still open; 404 when it
    does not exist; 429 when reporting too often."""
    report = services.report_create(
        reporter=request.user,
        target_type=payload.target_type,
        target_id=payload.target_id,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, report)


@router.get("/reports", response=list[ReportOut], auth=user_auth)
@paginate(PageNumberPagination)
def my_reports(request: HttpRequest):
    """Reports I made, with their status."""
    return selectors.reports_by_user(user=request.user)


ROUTERS = [("/moderation", router)]
