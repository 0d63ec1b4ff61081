"""The address an order goes to when the buyer names none (accounts.selectors.address_for_checkout)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shequ.accounts.models import Address
from shequ.accounts.selectors import address_for_checkout, address_list

pytestmark = pytest.mark.django_db


def _address(user, detail: str, *, default: bool = False, age_minutes: int = 0) -> Address:
    address = Address.objects.create(
        user=user,
        recipient="王小明",
        phone="+8613900000000",
        province="上海市",
        city="上海市",
        district="徐汇区",
        detail=detail,
        is_default=default,
    )
    Address.objects.filter(pk=address.pk).update(updated_at=timezone.now() - timedelta(minutes=age_minutes))
    return address


def test_the_default_address_wins_over_newer_ones(user):
    _address(user, "默认的地址", default=True, age_minutes=30)
    _address(user, "新加的地址", age_minutes=1)

    chosen = address_for_checkout(user=user)

    assert chosen.detail == "默认的地址" and chosen.recipient == "王小明" and chosen.phone == "+8613900000000"
    assert chosen.pk == address_list(user=user).first().pk


def test_without_a_default_the_one_changed_last(user, make_user):
    _address(user, "旧地址", age_minutes=30)
    _address(user, "最近改过的地址", age_minutes=1)
    _address(make_user(), "别人的地址", default=True)

    assert address_for_checkout(user=user).detail == "最近改过的地址"


def test_no_address_is_none(user, make_user):
    _address(make_user(), "别人的地址", default=True)

    assert address_for_checkout(user=user) is None
