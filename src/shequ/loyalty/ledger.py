"""The ledger's primitives: lock a person's account, append entries, keep the balance row and the FIFO lots
in step. Only ``shequ.loyalty.services`` calls these, always inside its transaction.

Every function here takes the locked ``PointsAccount`` (from ``account_lock``): the row lock serialises all
changes to one person's points, so two spends racing for the same points queue up on PostgreSQL and the
second one sees the first one's balance (no double spend). The caller saves the account with
``account_save`` before committing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from shequ.loyalty.conf import local_zone, loyalty_setting
from shequ.loyalty.models import EntryType, LedgerEntry, LotUse, PointsAccount, PointsLot


def local_day(moment: datetime | None = None) -> date:
    """The calendar day in Asia/Shanghai of ``moment`` (default: now)."""
    return timezone.localtime(moment or timezone.now(), local_zone()).date()


def day_start(day: date) -> datetime:
    """Midnight in Asia/Shanghai at the start of ``day``, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=local_zone())


def expiry_for(moment: datetime) -> datetime:
    """When points earned at ``moment`` expire: the end of year Y + EXPIRY_YEARS (local time)."""
    year = local_day(moment).year + int(loyalty_setting("EXPIRY_YEARS"))
    return day_start(date(year + 1, 1, 1))


def account_lock(user_id: int) -> PointsAccount:
    """The person's account row, locked until the transaction ends (created on first use)."""
    try:
        return PointsAccount.objects.select_for_update().get(user_id=user_id)
    except PointsAccount.DoesNotExist:
        try:
            with transaction.atomic():
                PointsAccount.objects.create(user_id=user_id)
        except IntegrityError:  # created by a concurrent first use
            pass
        return PointsAccount.objects.select_for_update().get(user_id=user_id)


def account_save(account: PointsAccount) -> None:
    account.save(update_fields=["balance", "held", "debt", "earned_total", "updated_at"])


def entry_find(*, user_id: int, entry_type: str, kind: str, reference: str) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(user_id=user_id, entry_type=entry_type, kind=kind, reference=reference).first()


def _append(
    account: PointsAccount, *, entry_type: str, kind: str, reference: str, points: int, note: str, now: datetime
) -> LedgerEntry:
    account.balance += points
    if account.balance < 0:  # a bug in a caller, never a user's mistake: refuse rather than store it
        raise ValueError("points balance would go negative")
    return LedgerEntry.objects.create(
        user_id=account.user_id,
        entry_type=entry_type,
        kind=kind[:32],
        reference=reference[:80],
        points=points,
        balance_after=account.balance,
        note=note[:200],
        created_at=now,
    )


def credit(
    account: PointsAccount,
    *,
    entry_type: str,
    kind: str,
    reference: str,
    points: int,
    note: str = "",
    now: datetime | None = None,
) -> LedgerEntry:
    """Add ``points`` (> 0) as a new lot expiring by rule; then recover what the person still owes."""
    now = now or timezone.now()
    entry = _append(account, entry_type=entry_type, kind=kind, reference=reference, points=points, note=note, now=now)
    PointsLot.objects.create(
        user_id=account.user_id, entry=entry, points=points, remaining=points, expires_at=expiry_for(now)
    )
    if entry_type == EntryType.EARN:
        account.earned_total += points
    if account.debt:
        recovered = min(account.debt, account.balance)
        if recovered:
            account.debt -= recovered
            debit(
                account,
                entry_type=EntryType.CLAWBACK,
                kind="debt_recovery",
                reference=f"entry-{entry.pk}",
                points=recovered,
                note="recovered from later earnings",
                now=now,
            )
    return entry


def debit(
    account: PointsAccount,
    *,
    entry_type: str,
    kind: str,
    reference: str,
    points: int,
    note: str = "",
    now: datetime | None = None,
    record_lots: bool = False,
    prefer_lot_of: LedgerEntry | None = None,
) -> LedgerEntry:
    """Take ``points`` (0 ≤ points ≤ balance) from the lots that expire first (``prefer_lot_of``'s lot first,
    for a clawback of that earning); ``record_lots`` remembers which, so a release can put them back."""
    now = now or timezone.now()
    entry = _append(account, entry_type=entry_type, kind=kind, reference=reference, points=-points, note=note, now=now)
    left = points
    uses = []
    if left and prefer_lot_of is not None:
        lot = PointsLot.objects.filter(entry=prefer_lot_of, remaining__gt=0).first()
        if lot is not None:
            taken = min(left, lot.remaining)
            lot.remaining -= taken
            lot.save(update_fields=["remaining"])
            uses.append(LotUse(entry=entry, lot=lot, points=taken))
            left -= taken
    batch = 4  # most spends fit in the first lot or two: fetch a few, then more only when needed
    while left:
        lots = list(
            PointsLot.objects.filter(user_id=account.user_id, remaining__gt=0).order_by("expires_at", "id")[:batch]
        )
        if not lots:
            break
        for lot in lots:
            taken = min(left, lot.remaining)
            lot.remaining -= taken
            uses.append(LotUse(entry=entry, lot=lot, points=taken))
            left -= taken
            if not left:
                break
        touched = lots[: lots.index(lot) + 1]
        if len(touched) == 1:
            touched[0].save(update_fields=["remaining"])
        else:
            PointsLot.objects.bulk_update(touched, ["remaining"])
        batch *= 4
    if left:  # the balance row and the lots disagree: the rebuild command repairs it
        raise ValueError("points lots do not cover the balance")
    if record_lots and uses:
        LotUse.objects.bulk_create(uses)
    return entry


def restore(
    account: PointsAccount, *, held_entry: LedgerEntry, kind: str, reference: str, note: str = ""
) -> LedgerEntry:
    """Give back a hold's points to the very lots they came from (their expiry unchanged: lots already past
    it are expired by the next expiry run)."""
    points = -held_entry.points
    entry = _append(
        account,
        entry_type=EntryType.RELEASE,
        kind=kind,
        reference=reference,
        points=points,
        note=note,
        now=timezone.now(),
    )
    for use in LotUse.objects.filter(entry=held_entry).select_related("lot"):
        use.lot.remaining += use.points
        use.lot.save(update_fields=["remaining"])
    return entry


def expire_lot(account: PointsAccount, *, lot: PointsLot, now: datetime) -> LedgerEntry | None:
    """Expire what is left of one due lot."""
    if lot.remaining <= 0:
        return None
    points = lot.remaining
    entry = _append(
        account,
        entry_type=EntryType.EXPIRE,
        kind="expiry",
        reference=f"lot-{lot.pk}@{now:%Y%m%d%H%M%S%f}",  # a restored lot may expire again
        points=-points,
        note="",
        now=now,
    )
    lot.remaining = 0
    lot.save(update_fields=["remaining"])
    return entry


def earned_since(*, user_id: int, kind: str, since: datetime) -> int:
    return (
        LedgerEntry.objects.filter(
            user_id=user_id, entry_type=EntryType.EARN, kind=kind, created_at__gte=since
        ).aggregate(total=Sum("points"))["total"]
        or 0
    )


def today_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    start = day_start(local_day(now))
    return start, start + timedelta(days=1)
