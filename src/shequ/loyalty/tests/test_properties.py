"""Property-based: any sequence of earn / spend / hold-release-consume / expire / purchase+refund (clawback) /
operator adjustment keeps the balance ≥ 0 and equal to the ledger sum (and to the lots left, and held points
to the open holds); a spend succeeds exactly when the balance covers it."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from shequ.core.errors import Conflict
from shequ.loyalty import services
from shequ.loyalty.models import HoldStatus, LedgerEntry, PointsAccount, PointsHold, PointsLot
from shequ.loyalty.rules import rules_ensure
from shequ.loyalty.tests.conftest import shanghai

points = st.integers(min_value=1, max_value=500)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), points, st.integers(min_value=0, max_value=3)),
        st.tuples(st.just("spend"), points),
        st.tuples(st.just("hold"), points),
        st.tuples(st.just("release"), st.integers(min_value=0, max_value=5)),
        st.tuples(st.just("consume"), st.integers(min_value=0, max_value=5)),
        st.tuples(st.just("expire"), st.integers(min_value=2024, max_value=2028)),
        st.tuples(st.just("order"), st.integers(min_value=1, max_value=900)),
        st.tuples(st.just("refund"), st.integers(min_value=0, max_value=5), st.integers(min_value=1, max_value=100)),
        st.tuples(st.just("adjust"), st.integers(min_value=-300, max_value=300).filter(bool)),
        st.tuples(st.just("post"), st.booleans()),
    ),
    min_size=1,
    max_size=25,
)


class LedgerProperties(TestCase):
    def setUp(self):
        from shequ.accounts.services.auth import user_get_or_create_by_phone

        self.user, _ = user_get_or_create_by_phone(e164="+8613900001111", nickname="积分测试")
        self.operator, _ = user_get_or_create_by_phone(e164="+8613900002222", nickname="客服")
        rules_ensure()

    def assert_invariants(self):
        uid = self.user.pk
        account = PointsAccount.objects.filter(user_id=uid).first()
        balance = account.balance if account else 0
        ledger = LedgerEntry.objects.filter(user_id=uid).aggregate(t=Sum("points"))["t"] or 0
        lots = PointsLot.objects.filter(user_id=uid).aggregate(t=Sum("remaining"))["t"] or 0
        held = PointsHold.objects.filter(user_id=uid, status=HoldStatus.HELD).aggregate(t=Sum("points"))["t"] or 0
        assert balance >= 0
        assert balance == ledger == lots, (balance, ledger, lots)
        assert (account.held if account else 0) == held
        assert not PointsLot.objects.filter(remaining__lt=0).exists()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    def test_balance_never_negative_and_always_the_ledger_sum(self, ops):
        uid = self.user.pk
        holds: list[int] = []
        orders: list[tuple[int, Decimal]] = []
        refunded: dict[int, Decimal] = {}
        posts = 0
        for step, op in enumerate(ops):
            name = op[0]
            account = PointsAccount.objects.filter(user_id=uid).first()
            before = account.balance if account else 0
            if name == "earn":
                services.points_award(
                    user_id=uid, points=op[1], kind="onboarding", reference=f"e{step}", now=shanghai(2024 + op[2], 6, 1)
                )
            elif name == "spend":
                try:
                    services.points_spend(user_id=uid, points=op[1], kind="mall", reference=f"s{step}")
                except Conflict:
                    assert before < op[1]
                else:
                    assert before >= op[1]
                    assert PointsAccount.objects.get(user_id=uid).balance == before - op[1]
            elif name == "hold":
                try:
                    services.points_hold(user_id=uid, order_id=10_000 + step, points=op[1])
                    holds.append(10_000 + step)
                except Conflict:
                    assert before < op[1]
            elif name in ("release", "consume") and holds:
                order_id = holds[op[1] % len(holds)]
                if name == "release":
                    services.points_hold_release(order_id=order_id)
                else:
                    services.points_hold_consume(order_id=order_id)
            elif name == "expire":
                services.points_expire_due(now=shanghai(op[1], 1, 1, 0, 1))
            elif name == "order":
                order_id, total = 50_000 + step, Decimal(op[1])
                services.purchase_paid(user_id=uid, order_id=order_id, order_number=f"N{step}", total=total)
                services.purchase_completed(order_id=order_id)
                orders.append((order_id, total))
            elif name == "refund" and orders:
                order_id, total = orders[op[1] % len(orders)]
                refunded[order_id] = min(total, refunded.get(order_id, Decimal(0)) + total * op[2] / 100)
                services.purchase_refunded(order_id=order_id, refunded_total=refunded[order_id], reference=f"r{step}")
            elif name == "adjust":
                try:
                    services.points_adjust(operator=self.operator, user_id=uid, points=op[1], reason="test")
                except Conflict:
                    assert op[1] < 0 and before < -op[1]
            elif name == "post":
                posts += 1
                services.points_award(user_id=uid, points=10, kind="post", reference=f"post-{posts}")
                if op[1]:
                    services.points_clawback_earning(user_id=uid, kind="post", reference=f"post-{posts}")
            self.assert_invariants()
