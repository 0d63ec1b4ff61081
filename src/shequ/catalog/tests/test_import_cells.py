"""Cell parsing and GTIN rules, one value at a time."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from shequ.catalog import cells
from shequ.catalog.services import gtin_validate
from shequ.catalog.tabular import escape_formula, unescape_formula
from shequ.core.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("code", ["96385074", "036000291452", "4006381333931", "6901234567892", "10012345678902"])
def test_valid_gtins_of_every_length(code):
    assert gtin_validate(f" {code} ") == code


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("96385075", "gtin_check_digit"),
        ("4006381333932", "gtin_check_digit"),
        ("10012345678901", "gtin_check_digit"),
        ("1234567", "gtin_invalid"),
        ("123456789", "gtin_invalid"),
        ("40063813339３1", "gtin_invalid"),  # a full-width digit
        ("4006-381333931", "gtin_invalid"),
    ],
)
def test_invalid_gtins(code, error):
    with pytest.raises(InvalidInput) as caught:
        gtin_validate(code)
    assert caught.value.code == error


@pytest.mark.parametrize(
    ("value", "expected"),
    [("9.9", "9.90"), ("¥1,299.00", "1299.00"), ("￥5元", "5.00"), (9.9, "9.90"), (8.910000000000001, "8.91"),
     (3, "3.00"), ("0", "0.00"), (Decimal("2.50"), "2.50")],
)  # fmt: skip
def test_money(value, expected):
    assert cells.money(value) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "error"),
    [("-1", "price_negative"), ("1.234", "price_decimals"), ("1e3x", "price_invalid"), ("Infinity", "price_invalid"),
     (True, "price_invalid"), ("100000000", "price_too_large")],
)  # fmt: skip
def test_bad_money(value, error):
    with pytest.raises(InvalidInput) as caught:
        cells.money(value)
    assert caught.value.code == error


@pytest.mark.parametrize(("value", "expected"), [("250", 250), ("1,000", 1000), (250.0, 250), (7, 7), ("12.00", 12)])
def test_integer(value, expected):
    assert cells.integer(value) == expected


@pytest.mark.parametrize(("value", "error"), [("2.5", "int_invalid"), ("-3", "int_negative"), ("x", "int_invalid"),
                                              (False, "int_invalid"), ("99999999999", "int_too_large")])  # fmt: skip
def test_bad_integer(value, error):
    with pytest.raises(InvalidInput) as caught:
        cells.integer(value)
    assert caught.value.code == error


def test_moments_from_xlsx_cells_and_end_of_day():
    assert cells.moment(datetime(2026, 1, 2, 3, 4)) == datetime(2026, 1, 2, 3, 4, tzinfo=SHANGHAI)
    assert cells.moment(date(2026, 1, 2)) == datetime(2026, 1, 2, tzinfo=SHANGHAI)
    assert cells.moment("2026.1.2", end_of_day=True) == datetime(2026, 1, 3, tzinfo=SHANGHAI)
    assert cells.moment("2026-01-02 03:04:05.250000") == datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=SHANGHAI)


def test_text_undoes_excel_artefacts():
    assert cells.text(6901234567892.0) == "6901234567892"
    assert cells.text("  '=SUM(A1)  ") == "=SUM(A1)"
    assert cells.text("'plain") == "'plain"  # an apostrophe that escaped nothing is kept


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_formula_escaping_round_trips(text):
    assert escape_formula(text) == "'" + text
    assert unescape_formula(escape_formula(text)) == text
