"""Wallet coupons: grant a template's coupon to a person, claim one by code, and use wallet coupons at checkout.

Granting is idempotent on (template, user, source, reference) — a retried task or a double-clicked
redemption never issues twice. Limits (per person, in total) are checked after a conditional UPDATE of the
template's ``issued_count``, which holds the template's row lock until commit: two grants of one template
queue there instead of both passing the per-person count.

At checkout an issued coupon is held for the unpaid order with a conditional UPDATE (available → held), used
when the order is paid and given back when it is cancelled (``coupon_consume``/``coupon_release`` in
services.py cover both code coupons and wallet coupons, so orders' lifecycle calls them unchanged).
Stacking: an order carries at most one non-stackable coupon (a code coupon counts, unless flagged stackable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.core.errors import Conflict, DomainError, InvalidInput, NotFound
from shequ.coupons.calculations import ZERO, coupon_discount
from shequ.coupons.models import CouponTemplate, IssuedCoupon, IssuedStatus, IssueSource

MAX_WALLET_COUPONS_PER_ORDER = 5
FIELD = "issued_coupon"


@dataclass(frozen=True)
class CouponLine:
    """A basket line as coupons see it."""

    product_id: int
    line_total: Decimal


@dataclass(frozen=True)
class WalletQuote:
    issued: IssuedCoupon
    discount: Decimal


def normalise_claim_code(code: str) -> str:
    return (code or "").strip().upper()[:32]


def _validity(template: CouponTemplate, now) -> tuple:
    if template.valid_days:
        until = now + timedelta(days=template.valid_days)
        if template.valid_until:
            until = min(until, template.valid_until)
        return now, until
    return template.valid_from or now, template.valid_until


def _refuse(strict: bool, error: DomainError) -> None:
    if strict:
        raise error


class _NotGranted(Exception):
    def __init__(self, error: DomainError) -> None:
        super().__init__(error.code)
        self.error = error


@transaction.atomic
def _grant(
    template: CouponTemplate, *, user_id: int, source: str, reference: str, valid: tuple, notify_user: bool
) -> IssuedCoupon:
    counted = CouponTemplate.objects.filter(pk=template.pk)
    if template.total_limit is not None:
        counted = counted.filter(issued_count__lt=template.total_limit)
    if not counted.update(issued_count=F("issued_count") + 1):  # takes the template's row lock until commit
        raise _NotGranted(Conflict("coupon_all_claimed", _("All of these coupons have been given out.")))
    if template.per_user_limit is not None:
        held = IssuedCoupon.objects.filter(template=template, user_id=user_id).exclude(status=IssuedStatus.VOID)
        if held.count() >= template.per_user_limit:
            raise _NotGranted(Conflict("coupon_grant_limit", _("You already have as many of these as allowed.")))
    issued = IssuedCoupon.objects.create(
        template=template,
        user_id=user_id,
        source=source,
        reference=reference,
        valid_from=valid[0],
        valid_until=valid[1],
    )
    if notify_user:
        from shequ.notifications.services import notify

        notify(
            user=user_id,
            kind="coupon_granted",
            title=_("You got a coupon: %(name)s") % {"name": template.name},
            body=str(template.description or ""),
            link="/coupons/",
            data={"issued_coupon_id": issued.pk},
            group_key="coupon_granted",
        )
    return issued


def coupon_grant(
    *, template_code: str, user_id: int, source: str, reference: str, strict: bool = False, notify_user: bool = True
) -> IssuedCoupon | None:
    """Put one coupon of the template into the person's wallet; the same (template, user, source, reference)
    returns the coupon granted before. None when a limit or the template's window says no (``strict``: raise
    409 instead). An unknown template is 404."""
    reference = str(reference)[:64]
    if source not in IssueSource.values:
        raise InvalidInput("coupon_source_invalid", _("Unknown coupon source."), details={"field": "source"})
    template = CouponTemplate.objects.filter(code=template_code).first()
    if template is None:
        raise NotFound("coupon_template_not_found", _("No such coupon."))
    existing = IssuedCoupon.objects.filter(
        template=template, user_id=user_id, source=source, reference=reference
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    valid_from, valid_until = _validity(template, now)
    if not template.is_active or (valid_until is not None and valid_until <= now):
        _refuse(strict, Conflict("coupon_template_inactive", _("This coupon is no longer being given out.")))
        return None
    try:
        issued = _grant(
            template,
            user_id=user_id,
            source=source,
            reference=reference,
            valid=(valid_from, valid_until),
            notify_user=notify_user,
        )
    except _NotGranted as refused:
        _refuse(strict, refused.error)
        return None
    except IntegrityError:  # the same grant raced us and won: answer with its coupon
        return IssuedCoupon.objects.filter(
            template=template, user_id=user_id, source=source, reference=reference
        ).first()
    track(
        user_id,
        "coupon_granted",
        {"template": template.code, "source": source, "reference": reference, "issued_coupon_id": issued.pk},
    )
    return issued


def coupon_claim(*, user, code: str) -> IssuedCoupon:
    """Claim a coupon into my wallet by typing its claim code (a second claim of one code is 409)."""
    claim = normalise_claim_code(code)
    if not claim:
        raise InvalidInput("claim_code_required", _("Enter a coupon code."), details={"field": "code"})
    template = CouponTemplate.objects.filter(claim_code=claim, is_active=True).first()
    if template is None:
        raise NotFound("claim_code_not_found", _("No coupon has this code."), details={"field": "code"})
    if IssuedCoupon.objects.filter(
        template=template, user=user, source=IssueSource.CLAIM_CODE, reference=claim
    ).exists():
        raise Conflict("coupon_already_claimed", _("You have already claimed this coupon."), details={"field": "code"})
    issued = coupon_grant(
        template_code=template.code,
        user_id=user.pk,
        source=IssueSource.CLAIM_CODE,
        reference=claim,
        strict=True,
        notify_user=False,
    )
    track(user, "coupon_claimed", {"template": template.code, "issued_coupon_id": issued.pk})
    return issued


# --- checkout ---------------------------------------------------------------------------------------------


def _error(code: str, message, **details) -> InvalidInput:
    return InvalidInput(code, message, details={"field": FIELD, **details})


def _eligible_total(template: CouponTemplate, lines: list[CouponLine], paths: dict[int, str]) -> Decimal:
    product_ids = {p.pk for p in template.products.all()}
    category_paths = [c.path for c in template.categories.all()]
    if not product_ids and not category_paths:
        return sum((line.line_total for line in lines), ZERO)
    return sum(
        (
            line.line_total
            for line in lines
            if line.product_id in product_ids
            or any(paths.get(line.product_id, "").startswith(path) for path in category_paths)
        ),
        ZERO,
    )


def _category_paths(product_ids: list[int]) -> dict[int, str]:
    from shequ.catalog.models import Product  # read-only: which category each basket product is in

    return dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "category__path"))


def _clean_ids(issued_ids) -> list[int]:
    ids: list[int] = []
    for raw in issued_ids or ():
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise _error("coupon_not_found", _("No such coupon.")) from None
        if value not in ids:
            ids.append(value)
    if len(ids) > MAX_WALLET_COUPONS_PER_ORDER:
        raise _error(
            "coupon_too_many",
            _("Use at most %(max)d coupons on one order.") % {"max": MAX_WALLET_COUPONS_PER_ORDER},
        )
    return ids


def wallet_coupons_quote(
    *,
    user,
    issued_ids,
    lines: list[CouponLine],
    items_total: Decimal,
    code_coupon=None,
    code_discount: Decimal = ZERO,
) -> list[WalletQuote]:
    """What the chosen wallet coupons take off this basket, after the code coupon (InvalidInput if one cannot
    be used: someone else's, used, expired, below its minimum spend, nothing it applies to, or stacking)."""
    ids = _clean_ids(issued_ids)
    if not ids:
        return []
    found = {
        issued.pk: issued
        for issued in IssuedCoupon.objects.filter(pk__in=ids, user=user)
        .select_related("template")
        .prefetch_related("template__products", "template__categories")
    }
    now = timezone.now()
    non_stackable = 0 if code_coupon is None or getattr(code_coupon, "stackable", False) else 1
    paths = _category_paths([line.product_id for line in lines]) if lines else {}
    left = Decimal(items_total) - Decimal(code_discount)
    quotes: list[WalletQuote] = []
    for pk in ids:
        issued = found.get(pk)
        if issued is None:
            raise _error("coupon_not_found", _("No such coupon."), issued_coupon_id=pk)
        template = issued.template
        if issued.status != IssuedStatus.AVAILABLE:
            raise _error("coupon_unavailable", _("This coupon has already been used."), issued_coupon_id=pk)
        if issued.valid_until is not None and now >= issued.valid_until:
            raise _error("coupon_expired", _("This coupon has expired."), issued_coupon_id=pk)
        if now < issued.valid_from:
            raise _error("coupon_not_started", _("This coupon cannot be used yet."), issued_coupon_id=pk)
        eligible = _eligible_total(template, lines, paths)
        if eligible <= 0:
            raise _error("coupon_not_applicable", _("This coupon does not apply to these items."), issued_coupon_id=pk)
        if eligible < template.min_spend:
            raise _error(
                "coupon_min_spend",
                _("Spend at least ¥%(amount)s to use this coupon.") % {"amount": template.min_spend},
                issued_coupon_id=pk,
                min_spend=str(template.min_spend),
            )
        if not template.stackable:
            non_stackable += 1
            if non_stackable > 1:
                raise _error(
                    "coupon_not_stackable",
                    _("Only one coupon that cannot be combined may be used on an order."),
                    issued_coupon_id=pk,
                )
        discount = coupon_discount(
            kind=template.kind,
            items_total=min(eligible, max(left, ZERO)),
            amount=template.amount,
            percent=template.percent,
            max_discount=template.max_discount,
        )
        left -= discount
        quotes.append(WalletQuote(issued=issued, discount=discount))
    return quotes


def wallet_coupons_hold(*, user, quotes: list[WalletQuote], order_id: int) -> None:
    """Hold the quoted wallet coupons for an unpaid order (inside the placing transaction); a coupon that was
    used meanwhile (another tab) is 409 and the whole placement rolls back."""
    now = timezone.now()
    for quote in sorted(quotes, key=lambda q: q.issued.pk):  # a fixed lock order
        taken = (
            IssuedCoupon.objects.filter(pk=quote.issued.pk, user=user, status=IssuedStatus.AVAILABLE)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
            .update(status=IssuedStatus.HELD, order_id=order_id, discount=quote.discount, updated_at=now)
        )
        if not taken:
            raise Conflict(
                "coupon_unavailable",
                _("This coupon has already been used."),
                details={"field": FIELD, "issued_coupon_id": quote.issued.pk},
            )


def wallet_coupons_release(*, order_id: int) -> int:
    """The unpaid order was cancelled: its wallet coupons are available again (if still valid)."""
    return IssuedCoupon.objects.filter(order_id=order_id, status=IssuedStatus.HELD).update(
        status=IssuedStatus.AVAILABLE, order_id=None, discount=None, updated_at=timezone.now()
    )


def wallet_coupons_consume(*, order_id: int) -> int:
    """The order was paid: its wallet coupons are used for good."""
    now = timezone.now()
    return IssuedCoupon.objects.filter(order_id=order_id, status=IssuedStatus.HELD).update(
        status=IssuedStatus.USED, used_at=now, updated_at=now
    )
