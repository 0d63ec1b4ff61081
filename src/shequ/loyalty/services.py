"""The loyalty module's writes: earning (idempotent, capped by rule), spending, operator adjustments,
clawbacks, checkout holds, expiry, rebuilding balances, purchase points and daily check-in.

Each use case is one transaction that first locks the person's PointsAccount row (``ledger.account_lock``), so
changes to one person's points run one after another on PostgreSQL: two spends of the same points cannot both
succeed, and an earning for the same reference cannot be written twice (the ledger's unique constraint backs
the check).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.audit.models import AuditAction
from shequ.audit.services import audit_record
from shequ.core.domain_events import publish
from shequ.core.errors import Conflict, InvalidInput, NotFound
from shequ.loyalty import ledger
from shequ.loyalty.models import (
    AwardStatus,
    CheckIn,
    EntryType,
    HoldStatus,
    LedgerEntry,
    PointsAccount,
    PointsHold,
    PointsLot,
    PurchaseAward,
)
from shequ.loyalty.rules import CHECKIN, PURCHASE, rule_get, streak_bonus
from shequ.loyalty.tiers import tier_info

MAX_POINTS = 10_000_000


def _check_points(points, *, allow_negative: bool = False) -> int:
    if isinstance(points, bool) or not isinstance(points, int):
        raise InvalidInput("points_invalid", _("Points must be a whole number."), details={"field": "points"})
    if (points == 0) or (points < 0 and not allow_negative) or abs(points) > MAX_POINTS:
        raise InvalidInput("points_invalid", _("That number of points is not allowed."), details={"field": "points"})
    return points


def _check_reference(kind: str, reference: str) -> None:
    if not kind or not reference or len(kind) > 32 or len(reference) > 80:
        raise InvalidInput("points_reference_invalid", _("A reason and a reference are required."))


# --- earning ------------------------------------------------------------------------------------------------


def _earn(
    *,
    user_id: int,
    kind: str,
    reference: str,
    points: int,
    daily_cap: int = 0,
    note: str = "",
    now: datetime | None = None,
) -> LedgerEntry | None:
    """Credit an earning once per (user, kind, reference), limited by ``daily_cap``."""
    now = now or timezone.now()
    with transaction.atomic():
        account = ledger.account_lock(user_id)
        if ledger.entry_find(user_id=user_id, entry_type=EntryType.EARN, kind=kind, reference=reference):
            return None
        if daily_cap:
            start, _end = ledger.today_bounds(now)
            points = min(points, daily_cap - ledger.earned_since(user_id=user_id, kind=kind, since=start))
        if points <= 0:
            return None
        entry = ledger.credit(
            account, entry_type=EntryType.EARN, kind=kind, reference=reference, points=points, note=note, now=now
        )
        ledger.account_save(account)
        track(user_id, "points_earned", {"kind": kind, "points": points, "reference": reference})
    return entry


def points_award(
    *, user_id: int, points: int, kind: str, reference: str, note: str = "", now: datetime | None = None
) -> LedgerEntry | None:
    """Give ``points`` for ``kind``/``reference`` once (no caps or multipliers). None when already given."""
    _check_points(points)
    _check_reference(kind, reference)
    return _earn(user_id=user_id, kind=kind, reference=reference, points=points, note=note, now=now)


def points_earn_by_rule(
    *,
    user_id: int,
    rule: str,
    reference: str,
    base_points: int | None = None,
    amount: Decimal | None = None,
    now: datetime | None = None,
) -> LedgerEntry | None:
    """Earn by the operators' rule ``rule``: its points (or ``base_points``; per yuan of ``amount`` for
    purchases), times the tier multiplier when the rule says so, within the rule's daily cap. Once per
    reference; None when nothing was earned (inactive rule, cap reached, already earned)."""
    _check_reference(rule, reference)
    found = rule_get(rule)
    if found is None:
        raise NotFound("rule_not_found", _("There is no such earning rule."))
    if not found.active:
        return None
    points = Decimal(found.points if base_points is None else base_points)
    if amount is not None:
        points = points * Decimal(amount)
    if found.use_tier_multiplier:
        points = points * tier_info(user_id).multiplier
    whole = int(points.to_integral_value(rounding=ROUND_DOWN))
    if whole <= 0:
        return None
    return _earn(
        user_id=user_id,
        kind=rule,
        reference=reference,
        points=min(whole, MAX_POINTS),
        daily_cap=found.daily_cap,
        now=now,
    )


# --- spending -----------------------------------------------------------------------------------------------


def _insufficient(balance: int, points: int) -> Conflict:
    return Conflict(
        "points_insufficient",
        _("You do not have enough points."),
        details={"balance": balance, "requested": points},
    )


def points_spend(*, user_id: int, points: int, kind: str, reference: str, note: str = "") -> LedgerEntry:
    """Spend ``points`` (FIFO by expiry) for ``kind``/``reference``; the same reference again returns the first
    entry. Conflict ``points_insufficient`` (nothing changed) when the balance is short."""
    _check_points(points)
    _check_reference(kind, reference)
    with transaction.atomic():
        account = ledger.account_lock(user_id)
        existing = ledger.entry_find(user_id=user_id, entry_type=EntryType.SPEND, kind=kind, reference=reference)
        if existing is not None:
            return existing
        if account.balance < points:
            raise _insufficient(account.balance, points)
        entry = ledger.debit(
            account, entry_type=EntryType.SPEND, kind=kind, reference=reference, points=points, note=note
        )
        ledger.account_save(account)
        track(user_id, "points_spent", {"kind": kind, "points": points, "reference": reference})
    return entry


def points_adjust(*, operator, user_id: int, points: int, reason: str) -> LedgerEntry:
    """An operator adds (points > 0) or removes (< 0, at most the balance) points; the reason is required and
    the change is written to the audit log."""
    _check_points(points, allow_negative=True)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason_required", _("Give a reason for the adjustment."), details={"field": "reason"})
    with transaction.atomic():
        account = ledger.account_lock(user_id)
        reference = f"adj-{timezone.now():%Y%m%d%H%M%S%f}-{getattr(operator, 'pk', 0)}"
        if points > 0:
            entry = ledger.credit(
                account, entry_type=EntryType.ADJUST, kind="operator", reference=reference, points=points, note=reason
            )
        else:
            if account.balance < -points:
                raise _insufficient(account.balance, -points)
            entry = ledger.debit(
                account, entry_type=EntryType.ADJUST, kind="operator", reference=reference, points=-points, note=reason
            )
        ledger.account_save(account)
        audit_record(
            actor=operator,
            action=AuditAction.ADJUST,
            target=entry,
            target_user_id=user_id,
            changes={"points": points, "balance": account.balance},
            reason=reason,
        )
    return entry


def points_clawback(
    *, user_id: int, kind: str, reference: str, points: int, of_entry: LedgerEntry | None = None, note: str = ""
) -> LedgerEntry | None:
    """Take back ``points`` once per (kind, reference). The balance never goes negative: what is no longer
    there (already spent) is clamped and recorded as debt, recovered from the person's next earnings."""
    if points <= 0:
        return None
    with transaction.atomic():
        account = ledger.account_lock(user_id)
        if ledger.entry_find(user_id=user_id, entry_type=EntryType.CLAWBACK, kind=kind, reference=reference):
            return None
        taken = min(points, account.balance)
        owed = points - taken
        account.debt += owed
        text = note + (f" (owed {owed})" if owed else "")
        entry = ledger.debit(
            account,
            entry_type=EntryType.CLAWBACK,
            kind=kind,
            reference=reference,
            points=taken,
            note=text.strip(),
            prefer_lot_of=of_entry,
        )
        ledger.account_save(account)
    return entry


def points_clawback_earning(*, user_id: int, kind: str, reference: str, note: str = "") -> LedgerEntry | None:
    """Take back all of the earning for ``kind``/``reference`` (a post removed by moderation…), once."""
    earned = ledger.entry_find(user_id=user_id, entry_type=EntryType.EARN, kind=kind, reference=reference)
    if earned is None:
        return None
    return points_clawback(
        user_id=user_id, kind=kind, reference=reference, points=earned.points, of_entry=earned, note=note
    )


# --- checkout holds -----------------------------------------------------------------------------------------


def points_hold(*, user_id: int, order_id: int, points: int) -> PointsHold:
    """Set ``points`` aside for an unpaid order (inside the placing transaction). Conflict when short."""
    _check_points(points)
    with transaction.atomic():
        account = ledger.account_lock(user_id)
        existing = PointsHold.objects.filter(order_id=order_id).first()
        if existing is not None:
            return existing
        if account.balance < points:
            raise _insufficient(account.balance, points)
        entry = ledger.debit(
            account,
            entry_type=EntryType.HOLD,
            kind="checkout",
            reference=f"order-{order_id}",
            points=points,
            record_lots=True,
        )
        account.held += points
        ledger.account_save(account)
        return PointsHold.objects.create(user_id=user_id, order_id=order_id, points=points, entry=entry)


def _hold_locked(order_id: int) -> tuple[PointsAccount, PointsHold] | None:
    hold = PointsHold.objects.filter(order_id=order_id).only("user_id").first()
    if hold is None:
        return None
    account = ledger.account_lock(hold.user_id)  # the account first: the same lock order as every other change
    return account, PointsHold.objects.select_related("entry").get(pk=hold.pk)


def points_hold_release(*, order_id: int) -> None:
    """The order was cancelled: its held points go back to the lots they came from. Safe to call again."""
    with transaction.atomic():
        found = _hold_locked(order_id)
        if found is None:
            return
        account, hold = found
        if hold.status != HoldStatus.HELD:
            return
        ledger.restore(account, held_entry=hold.entry, kind="checkout", reference=f"order-{order_id}")
        account.held -= hold.points
        ledger.account_save(account)
        hold.status = HoldStatus.RELEASED
        hold.save(update_fields=["status", "updated_at"])


def points_hold_consume(*, order_id: int) -> None:
    """The order was paid: the held points are spent (the ledger records the spend; the hold is closed by an
    equal release, so the balance does not move twice). Safe to call again."""
    with transaction.atomic():
        found = _hold_locked(order_id)
        if found is None:
            return
        account, hold = found
        if hold.status != HoldStatus.HELD:
            return
        reference = f"order-{order_id}"
        ledger.restore(account, held_entry=hold.entry, kind="checkout", reference=reference, note="paid")
        ledger.debit(account, entry_type=EntryType.SPEND, kind="checkout", reference=reference, points=hold.points)
        account.held -= hold.points
        ledger.account_save(account)
        hold.status = HoldStatus.CONSUMED
        hold.save(update_fields=["status", "updated_at"])
        track(hold.user_id, "points_spent", {"kind": "checkout", "points": hold.points, "reference": reference})


# --- expiry and rebuild -------------------------------------------------------------------------------------


def points_expire_due(*, now: datetime | None = None) -> int:
    """Expire every lot whose time has come (one transaction per person); return how many entries."""
    now = now or timezone.now()
    user_ids = sorted(
        set(PointsLot.objects.filter(remaining__gt=0, expires_at__lte=now).values_list("user_id", flat=True))
    )
    written = 0
    for user_id in user_ids:
        with transaction.atomic():
            account = ledger.account_lock(user_id)
            for lot in PointsLot.objects.filter(user_id=user_id, remaining__gt=0, expires_at__lte=now).order_by("id"):
                if ledger.expire_lot(account, lot=lot, now=now):
                    written += 1
            ledger.account_save(account)
    return written


@dataclass(frozen=True)
class Rebuilt:
    user_id: int
    was: int
    now: int


def points_balances_rebuild(*, user_ids: list[int] | None = None, fix: bool = True) -> list[Rebuilt]:
    """Recompute balances from the ledger (and held points from open holds); return the accounts that were
    wrong (corrected unless ``fix`` is False)."""
    sums = LedgerEntry.objects.values("user_id").annotate(total=Sum("points")).order_by("user_id")
    if user_ids is not None:
        sums = sums.filter(user_id__in=user_ids)
    held = dict(
        PointsHold.objects.filter(status=HoldStatus.HELD)
        .values("user_id")
        .annotate(total=Sum("points"))
        .values_list("user_id", "total")
    )
    accounts = PointsAccount.objects.in_bulk([row["user_id"] for row in sums]) if user_ids is not None else None
    wrong = []
    for row in sums.iterator(chunk_size=2000):
        user_id, total = row["user_id"], row["total"] or 0
        account = (
            accounts.get(user_id) if accounts is not None else PointsAccount.objects.filter(user_id=user_id).first()
        )
        if account is None or account.balance != total or account.held != held.get(user_id, 0):
            wrong.append(Rebuilt(user_id=user_id, was=account.balance if account else 0, now=total))
            if fix:
                with transaction.atomic():
                    locked = ledger.account_lock(user_id)
                    locked.balance = LedgerEntry.objects.filter(user_id=user_id).aggregate(t=Sum("points"))["t"] or 0
                    locked.held = held.get(user_id, 0)
                    ledger.account_save(locked)
    return wrong


# --- purchase points ----------------------------------------------------------------------------------------


def _deserved(award: PurchaseAward) -> int:
    """Points the order earns after its refunds so far (in proportion to the money kept), rounded down."""
    if award.total <= 0:
        return 0
    kept = max(Decimal(0), award.total - award.refunded_total) / award.total
    return int((Decimal(award.points) * kept).to_integral_value(rounding=ROUND_DOWN))


def purchase_paid(
    *, user_id: int, order_id: int, order_number: str, total: Decimal, paid_at: datetime | None = None
) -> PurchaseAward | None:
    """An order was paid: its purchase points become pending (shown to the buyer, not spendable) until the
    order completes. Once per order."""
    rule = rule_get(PURCHASE)
    total = Decimal(total)
    points = 0
    if rule is not None and rule.active and total > 0:
        multiplier = tier_info(user_id).multiplier if rule.use_tier_multiplier else Decimal(1)
        points = int((total * rule.points * multiplier).to_integral_value(rounding=ROUND_DOWN))
    award, _created = PurchaseAward.objects.get_or_create(
        order_id=order_id,
        defaults={
            "user_id": user_id,
            "order_number": order_number[:32],
            "total": total,
            "points": points,
            "paid_at": paid_at or timezone.now(),
        },
    )
    return award


def purchase_completed(*, order_id: int) -> LedgerEntry | None:
    """The order completed (no more returns expected): credit its pending points, less refunds so far."""
    with transaction.atomic():
        award = PurchaseAward.objects.select_for_update().filter(order_id=order_id).first()
        if award is None or award.status != AwardStatus.PENDING:
            return None
        due = _deserved(award)
        entry = None
        if due > 0:
            rule = rule_get(PURCHASE)
            entry = _earn(
                user_id=award.user_id,
                kind=PURCHASE,
                reference=f"order-{order_id}",
                points=due,
                daily_cap=rule.daily_cap if rule else 0,
                note=award.order_number,
            )
        award.credited = entry.points if entry is not None else 0
        award.status = AwardStatus.CREDITED if award.credited else AwardStatus.CANCELLED
        award.save(update_fields=["credited", "status", "updated_at"])
    return entry


def purchase_refunded(*, order_id: int, refunded_total: Decimal, reference: str) -> LedgerEntry | None:
    """Money went back for the order: fewer pending points, or a proportional clawback of credited ones.
    Cumulative (uses the order's refunded total), so a repeated or reordered event changes nothing twice."""
    with transaction.atomic():
        award = PurchaseAward.objects.select_for_update().filter(order_id=order_id).first()
        if award is None:
            return None
        award.refunded_total = max(award.refunded_total, Decimal(refunded_total))
        entry = None
        if award.status == AwardStatus.PENDING:
            if award.refunded_total >= award.total:
                award.status = AwardStatus.CANCELLED
        elif award.status == AwardStatus.CREDITED:
            owed = award.credited - min(award.credited, _deserved(award)) - award.clawed_back
            if owed > 0:
                earned = ledger.entry_find(
                    user_id=award.user_id, entry_type=EntryType.EARN, kind=PURCHASE, reference=f"order-{order_id}"
                )
                entry = points_clawback(
                    user_id=award.user_id,
                    kind=PURCHASE,
                    reference=f"order-{order_id}:{reference}"[:80],
                    points=owed,
                    of_entry=earned,
                    note=award.order_number,
                )
                award.clawed_back += owed
        award.save(update_fields=["refunded_total", "status", "clawed_back", "updated_at"])
    return entry


# --- daily check-in -----------------------------------------------------------------------------------------


def checkin_do(*, user, now: datetime | None = None) -> CheckIn:
    """Check in for today (Asia/Shanghai): once a day; the streak grows on consecutive days and earns the
    check-in rule's points plus any streak bonus. Conflict ``checkin_already_done`` the second time."""
    now = now or timezone.now()
    day = ledger.local_day(now)
    with transaction.atomic():
        ledger.account_lock(user.pk)  # one check-in at a time per person
        if CheckIn.objects.filter(user_id=user.pk, day=day).exists():
            raise Conflict("checkin_already_done", _("You have already checked in today. Come back tomorrow!"))
        yesterday = CheckIn.objects.filter(user_id=user.pk, day=day - timedelta(days=1)).first()
        streak = yesterday.streak + 1 if yesterday else 1
        checkin = CheckIn.objects.create(user_id=user.pk, day=day, streak=streak)
        earned = points_earn_by_rule(user_id=user.pk, rule=CHECKIN, reference=day.isoformat(), now=now)
        total = earned.points if earned else 0
        bonus = streak_bonus(streak)
        if bonus:
            extra = points_award(
                user_id=user.pk, points=bonus, kind="checkin_streak", reference=day.isoformat(), now=now
            )
            total += extra.points if extra else 0
        checkin.points = total
        checkin.save(update_fields=["points"])
        track(user.pk, "checkin_done", {"day": day.isoformat(), "streak": streak, "points": total})
        publish("checkin.done", user_id=user.pk, day=day.isoformat(), streak=streak)
    return checkin
