"""The after-sales state machine, written once.

    requested ──► approved ──► goods_returned ──► refunded    (return)
        │            │               └──────────► exchanged   (exchange)
        │            └──────────────────────────► refunded    (refund only)
        ├──► rejected
        └──► cancelled ◄── approved                (the buyer withdraws)

rejected, refunded, exchanged and cancelled are final.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.aftersales.error_codes import AfterSalesErrorCode as Code
from shequ.aftersales.models import AfterSaleKind, AfterSaleRequest, AfterSaleStatus
from shequ.core.errors import Conflict

S, K = AfterSaleStatus, AfterSaleKind
OPEN = (S.REQUESTED, S.APPROVED, S.GOODS_RETURNED)
FINAL = (S.REJECTED, S.REFUNDED, S.EXCHANGED, S.CANCELLED)


def next_statuses(*, status: str, kind: str) -> set[str]:
    """Where a request of ``kind`` in ``status`` may go next."""
    if status == S.REQUESTED:
        return {S.APPROVED, S.REJECTED, S.CANCELLED}
    if status == S.APPROVED:
        return {S.CANCELLED, S.REFUNDED if kind == K.REFUND_ONLY else S.GOODS_RETURNED}
    if status == S.GOODS_RETURNED:
        return {S.REFUNDED} if kind == K.RETURN else {S.EXCHANGED} if kind == K.EXCHANGE else set()
    return set()


def transition_check(aftersale: AfterSaleRequest, target: str) -> None:
    """Raise Conflict (409) unless ``aftersale`` may move to ``target``."""
    if target not in next_statuses(status=aftersale.status, kind=aftersale.kind):
        raise Conflict(
            Code.TRANSITION_INVALID,
            _("This request is “%(status)s”; that step is not possible now.")
            % {"status": aftersale.get_status_display()},
            details={"status": aftersale.status, "to": str(target)},
        )


def can_withdraw(aftersale: AfterSaleRequest) -> bool:
    return S.CANCELLED in next_statuses(status=aftersale.status, kind=aftersale.kind)


def can_send_back(aftersale: AfterSaleRequest) -> bool:
    """Whether the buyer may (still) give the tracking number of the goods sent back."""
    return aftersale.status == S.APPROVED and aftersale.kind != K.REFUND_ONLY
