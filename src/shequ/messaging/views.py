"""Message pages: inbox and requests lists, one conversation (send in place with HTMX), start a conversation."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shequ.accounts.selectors import users_by_ids
from shequ.core.errors import DomainError, NotFound
from shequ.messaging import selectors, services
from shequ.messaging.access import conversation_state_get_for_user, other_participant
from shequ.messaging.error_codes import MessagingErrorCode as Code
from shequ.messaging.models import Folder

PAGE_SIZE = 20


@login_required
def inbox_view(request: HttpRequest, folder: str = Folder.INBOX) -> HttpResponse:
    page = Paginator(selectors.conversation_list(user=request.user, folder=folder), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(state, other_participant(state)) for state in page.object_list]
    context = {"page": page, "rows": rows, "folder": folder, "counts": selectors.unread_counts(user=request.user)}
    if request.htmx and request.GET.get("page"):
        return render(request, "messaging/_conversation_rows.html", context)
    return render(request, "messaging/inbox.html", context)


@login_required
def requests_view(request: HttpRequest) -> HttpResponse:
    return inbox_view(request, folder=Folder.REQUESTS)


def _thread_context(request: HttpRequest, state, *, error: str = "", text: str = "") -> dict:
    return {
        "state": state,
        "other": other_participant(state),
        "messages_list": selectors.conversation_messages(conversation_id=state.conversation_id),
        "error": error,
        "text": text,
        "max_length": services.MAX_LENGTH,
    }


@login_required
def conversation_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    state = conversation_state_get_for_user(user=request.user, conversation_id=conversation_id)
    services.conversation_mark_read(state=state)
    return render(request, "messaging/conversation.html", _thread_context(request, state))


@login_required
@require_POST
def send_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    state = conversation_state_get_for_user(user=request.user, conversation_id=conversation_id)
    other = other_participant(state)
    text = request.POST.get("text", "")
    try:
        services.message_send(sender=request.user, recipient_id=other.pk, text=text)
    except DomainError as exc:
        context = _thread_context(request, state, error=str(exc.message), text=text[: services.MAX_LENGTH])
        template = "messaging/_thread.html" if request.htmx else "messaging/conversation.html"
        response = render(request, template, context, status=exc.status)
        for name, value in exc.headers.items():
            response[name] = value
        return response
    if request.htmx:
        state.folder = Folder.INBOX
        return render(request, "messaging/_thread.html", _thread_context(request, state))
    return redirect("messaging:conversation", conversation_id=state.conversation_id)


@login_required
@require_http_methods(["GET", "POST"])
def start_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Open my conversation with someone, or a blank one to write the first message."""
    other = users_by_ids(ids=[user_id]).get(user_id)
    if other is None or other.deleted_at is not None or other.pk == request.user.pk:
        raise NotFound(Code.RECIPIENT_NOT_FOUND, _("This person does not exist."))
    existing = selectors.conversation_with(user=request.user, other_id=other.pk)
    if existing and request.method == "GET":
        return redirect("messaging:conversation", conversation_id=existing)
    error, status, text = "", 200, ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            message = services.message_send(sender=request.user, recipient_id=other.pk, text=text)
        except DomainError as exc:
            error, status = str(exc.message), exc.status
        else:
            return redirect("messaging:conversation", conversation_id=message.conversation_id)
    else:
        try:
            services.message_permission_check(sender=request.user, recipient_id=other.pk)
        except DomainError as exc:
            error, status = str(exc.message), exc.status
    return render(
        request,
        "messaging/start.html",
        {"other": other, "error": error, "text": text[: services.MAX_LENGTH], "max_length": services.MAX_LENGTH},
        status=status,
    )


@login_required
@require_POST
def accept_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    state = conversation_state_get_for_user(user=request.user, conversation_id=conversation_id)
    services.conversation_accept(state=state)
    return redirect("messaging:conversation", conversation_id=state.conversation_id)


@login_required
@require_POST
def hide_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    state = conversation_state_get_for_user(user=request.user, conversation_id=conversation_id)
    services.conversation_hide(state=state)
    flash.success(request, _("Conversation removed."))
    return redirect("messaging:inbox")
