"""Fixtures for payments: orders to pay, the sandbox, and the fake Alipay / WeChat Pay gateways."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from shequ.catalog.testing import make_product
from shequ.orders.models import Order, OrderItem, OrderStatus
from shequ.payments.tests.fakes.alipay import FakeAlipay
from shequ.payments.tests.fakes.server import FakeServer
from shequ.payments.tests.fakes.wechatpay import FakeWeChatPay

NOTIFY_BASE = "https://shop.example.com"
_numbers = itertools.count(1)


def set_payments(settings, **sections) -> None:
    """Configure SHEQU_PAYMENTS for one test (the registry builds fresh adapters for a new configuration)."""
    settings.SHEQU_PAYMENTS = {
        "SANDBOX_ENABLED": True,
        "NOTIFY_BASE_URL": NOTIFY_BASE,
        "ALIPAY": {},
        "WECHATPAY": {},
        **sections,
    }


@pytest.fixture
def sandbox(settings):
    set_payments(settings)


@pytest.fixture
def make_order(db):
    """An order awaiting payment, made directly (payments is tested on its own, whatever checkout does)."""

    def make(
        user,
        *,
        total: str = "59.80",
        status: str = OrderStatus.PENDING_PAYMENT,
        quantity: int = 2,
        deadline_minutes: int = 30,
    ) -> Order:
        product = make_product()
        sku = product.skus.first()
        amount = Decimal(total)
        order = Order.objects.create(
            number=f"2025{next(_numbers):012d}",
            user=user,
            status=status,
            recipient="张三",
            phone="+8613900000000",
            province="上海市",
            city="上海市",
            district="浦东新区",
            detail="世纪大道 100 号",
            carrier_code="sf",
            items_total=amount,
            total=amount,
            payment_deadline=timezone.now() + timedelta(minutes=deadline_minutes),
        )
        OrderItem.objects.create(
            order=order,
            sku=sku,
            product_id=product.pk,
            product_name=product.name,
            sku_code=sku.code,
            unit_price=(amount / quantity).quantize(Decimal("0.01")),
            list_price=(amount / quantity).quantize(Decimal("0.01")),
            quantity=quantity,
            line_total=amount,
        )
        return order

    return make


@pytest.fixture(scope="session")
def alipay_server():
    with FakeServer(FakeAlipay()) as fake:
        yield fake


@pytest.fixture
def alipay(alipay_server, settings) -> FakeAlipay:
    """The fake Alipay, fresh for each test, with Shequ configured to use it (and the sandbox on)."""
    alipay_server.reset()
    set_payments(settings, ALIPAY=alipay_server.config())
    return alipay_server


@pytest.fixture(scope="session")
def wechatpay_server():
    with FakeServer(FakeWeChatPay()) as fake:
        yield fake


@pytest.fixture
def wechatpay(wechatpay_server, settings) -> FakeWeChatPay:
    wechatpay_server.reset()
    set_payments(settings, WECHATPAY=wechatpay_server.config())
    return wechatpay_server


def post_alipay_notification(client: Client, params: dict[str, str]):
    return client.post(
        "/payments/notify/alipay/", data=urlencode(params), content_type="application/x-www-form-urlencoded"
    )


def post_wechat_notification(client: Client, headers: dict[str, str], body: bytes):
    content_type = headers.pop("Content-Type", "application/json")
    return client.post("/payments/notify/wechatpay/", data=body, content_type=content_type, headers=headers)
