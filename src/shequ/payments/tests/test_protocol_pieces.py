"""The small pure pieces the adapters rely on: money conversions, key shapes, Alipay's signed-text extraction."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shequ.payments.providers import rsa
from shequ.payments.providers.alipay import beijing_time, response_content, signing_string
from shequ.payments.providers.base import from_fen, parse_yuan, to_fen, yuan_str
from shequ.payments.tests.fakes import keys


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [("0.01", 1), ("0.29", 29), ("19.99", 1999), ("12.34", 1234), ("100000000.00", 10_000_000_000), ("1.1", 110)],
)
def test_yuan_to_fen_is_exact(yuan, fen):
    # 0.29 and 19.99 are the classic float traps: 0.29 * 100 == 28.999999999999996
    assert to_fen(Decimal(yuan)) == fen
    assert from_fen(fen) == Decimal(yuan).quantize(Decimal("0.01"))


def test_money_is_never_a_float_and_never_fractional_fen():
    with pytest.raises(TypeError):
        to_fen(19.99)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fen"):
        to_fen(Decimal("1.005"))
    with pytest.raises(ValueError, match="integer"):
        from_fen(1.5)
    with pytest.raises(ValueError, match="integer"):
        from_fen(True)


@pytest.mark.parametrize("text", ["12.345", "abc", "", "NaN", "Infinity", None])
def test_malformed_provider_amounts_are_refused(text):
    with pytest.raises(ValueError, match=r"amount|fen"):
        parse_yuan(text)


def test_alipay_amounts_have_two_decimals():
    assert yuan_str(Decimal("12")) == "12.00"
    assert parse_yuan("59.8") == Decimal("59.80")


def test_alipay_signing_string_sorts_and_drops_empty_values_and_sign():
    params = {"b": "2", "a": "1", "sign": "x", "sign_type": "RSA2", "empty": "", "c": "中文 & =x"}
    assert signing_string(params) == "a=1&b=2&c=中文 & =x&sign_type=RSA2"
    assert signing_string(params, exclude=("sign", "sign_type")) == "a=1&b=2&c=中文 & =x"


def test_alipay_timestamps_are_beijing_time():
    assert beijing_time(datetime(2025, 1, 1, 16, 30, tzinfo=UTC)) == "2025-01-02 00:30:00"


def test_alipay_response_text_is_taken_exactly_as_sent():
    raw = '{"alipay_trade_refund_response" : {"code":"10000","msg":"a}b{\\"c","n":{"x":1}},"sign":"S"}'
    content, value = response_content(raw, "alipay_trade_refund_response")
    assert content == '{"code":"10000","msg":"a}b{\\"c","n":{"x":1}}'
    assert value["msg"] == 'a}b{"c'
    assert response_content('{"other":1}', "alipay_trade_refund_response") is None
    assert response_content('{"alipay_trade_refund_response":"nope"}', "alipay_trade_refund_response") is None


def test_keys_load_in_every_shape_the_consoles_hand_out(tmp_path):
    key = keys.new_key()
    message = "hello 你好"
    shapes = [
        keys.private_pem(key),
        keys.private_pem(key, pkcs1=True),
        keys.bare_base64(keys.private_pem(key)),
        keys.bare_base64(keys.private_pem(key, pkcs1=True)),
    ]
    key_file = tmp_path / "app_private_key.pem"
    key_file.write_text(keys.private_pem(key))
    shapes.append(str(key_file))
    public_shapes = [
        keys.public_pem(key),
        keys.bare_base64(keys.public_pem(key)),
        keys.self_signed_certificate(key, serial=7, common_name="t"),
    ]
    for shape in shapes:
        signature = rsa.sign(rsa.load_private_key(shape), message)
        for public in public_shapes:
            assert rsa.verify(rsa.load_public_key(public), message, signature)


def test_bad_keys_and_signatures_are_refused_not_crashed():
    with pytest.raises(rsa.KeyLoadError):
        rsa.load_private_key("not a key")
    with pytest.raises(rsa.KeyLoadError):
        rsa.load_public_key("")
    public = rsa.load_public_key(keys.public_pem(keys.new_key()))
    assert rsa.verify(public, "m", "%%%not base64") is False
    assert rsa.verify(public, "m", "") is False
    assert rsa.verify(public, "m", "AAAA") is False
