"""Payment pages: choose a method, the sandbox cashier, the page people come back to, and the callbacks.

The callbacks (``notify/<provider>/``) are CSRF-exempt POSTs from the providers: their authenticity comes
from the provider's signature, checked in the service, not from a cookie.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.core.clients import client_ip
from shequ.core.errors import DomainError, InvalidInput
from shequ.payments import error_codes, selectors, services
from shequ.payments.qr import qr_svg

MOBILE_MARKERS = ("Mobile", "Android", "iPhone", "iPad", "MicroMessenger", "HarmonyOS")


def is_mobile(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent or any(marker in agent for marker in MOBILE_MARKERS)


def order_url(number: str) -> str:
    """The buyer's order page (the orders app's), or their account page until it exists."""
    try:
        return reverse("orders:detail", args=[number])
    except NoReverseMatch:
        return reverse("accounts:me")


def return_url(request: HttpRequest, number: str) -> str:
    return request.build_absolute_uri(reverse("payments:return", args=[number]))


@login_required
@require_http_methods(["GET", "POST"])
def pay_view(request: HttpRequest, order_number: str) -> HttpResponse:
    """GET: the order's total and the ways to pay. POST: start paying with the chosen one."""
    if request.method == "GET":
        page = selectors.pay_page_for_user(user=request.user, order_number=order_number)
        return render(request, "payments/pay.html", {"page": page, "order_url": order_url(order_number)})
    try:
        started = services.payment_start_for_user(
            user=request.user,
            order_number=order_number,
            provider=request.POST.get("provider", "")[:16],
            return_url=return_url(request, order_number),
            client_ip=client_ip(request),
            mobile=is_mobile(request),
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        page = selectors.pay_page_for_user(user=request.user, order_number=order_number)
        context = {"page": page, "order_url": order_url(order_number), "error": exc.message}
        return render(request, "payments/pay.html", context, status=exc.status)
    if started.kind == "qr":
        context = {"started": started, "order_number": order_number, "qr": qr_svg(started.url)}
        return render(request, "payments/qr.html", context)
    if started.kind in ("redirect", "page") and started.url:
        return HttpResponseRedirect(started.url)
    raise error_codes.channel_unsupported()  # pragma: no cover - JSAPI is offered only through the API


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_view(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    """The sandbox's cashier: "pay" or "fail" the payment (demo and tests only)."""
    if request.method == "GET":
        payment = selectors.sandbox_payment_for_user(user=request.user, out_trade_no=out_trade_no)
        return render(request, "payments/sandbox.html", {"payment": payment})
    action = request.POST.get("action", "")
    if action not in ("pay", "fail"):
        raise InvalidInput("invalid_action", _("Choose to pay or to fail."))
    payment = services.payment_sandbox_complete(user=request.user, out_trade_no=out_trade_no, succeed=action == "pay")
    return redirect("payments:return", order_number=payment.order.number)


@login_required
@require_GET
def return_view(request: HttpRequest, order_number: str) -> HttpResponse:
    """Where the provider sends the buyer back: paid, still confirming (polls), or failed (pay again)."""
    status = services.payment_return_status(user=request.user, order_number=order_number)
    template = "payments/_return_status.html" if request.htmx else "payments/return.html"
    return render(request, template, {"status": status, "order_url": order_url(order_number)})


@csrf_exempt
@require_POST
def notify_view(request: HttpRequest, provider: str) -> HttpResponse:
    """A provider's asynchronous notification (payment or refund result)."""
    reply = services.payment_notification_receive(
        provider=provider[:16],
        body=request.body,
        headers={name.lower(): value for name, value in request.headers.items()},
        remote_addr=client_ip(request),
    )
    return HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)
