"""Fixtures for the loyalty tests: default rules/tiers, a points reader, a shop for checkout tests."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db.models import Sum

from shequ.loyalty.conf import local_zone
from shequ.loyalty.models import LedgerEntry, PointsAccount, PointsLot
from shequ.loyalty.rules import rules_ensure


@pytest.fixture
def rules(db):
    rules_ensure()


def shanghai(*args) -> datetime:
    """An aware datetime given in Asia/Shanghai local time."""
    return datetime(*args, tzinfo=local_zone())


@pytest.fixture
def points_state():
    """(balance row, ledger sum, lots remaining, held, debt) of a user: the invariants in one tuple."""

    def read(user_id: int) -> dict:
        account = PointsAccount.objects.filter(user_id=user_id).first()
        return {
            "balance": account.balance if account else 0,
            "ledger": LedgerEntry.objects.filter(user_id=user_id).aggregate(t=Sum("points"))["t"] or 0,
            "lots": PointsLot.objects.filter(user_id=user_id).aggregate(t=Sum("remaining"))["t"] or 0,
            "held": account.held if account else 0,
            "debt": account.debt if account else 0,
        }

    return read


@pytest.fixture
def shop(db, user):
    """A carrier (¥8, free over ¥99), a ¥10.00 SKU with stock, and the buyer's address."""
    from shequ.catalog.testing import make_product
    from shequ.orders.testing import make_address, make_shipping

    carrier = make_shipping("std", first_fee="8.00", free_over="99.00")
    product = make_product(skus=[{"list_price": "10.00", "weight_grams": 500, "stock": 50}])
    return {"carrier": carrier, "sku": product.skus.get(), "address": make_address(user)}
