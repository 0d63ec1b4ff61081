import pytest

from shequ.accounts.phones import mask_phone, normalise_phone
from shequ.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13800138000", "+8613800138000"),
        (" 138 0013 8000 ", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed, expected):
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "123",
        "1380013800",
        "138001380001",
        "abcdefghijk",
        "010-12345678",
        "1" * 200,
        None,
        "<script>alert(1)</script>",
        "13800138000'; DROP TABLE accounts_user;--",
    ],
)
def test_malformed_or_landline_numbers_are_refused(typed):
    with pytest.raises(InvalidInput) as exc:
        normalise_phone(typed)
    assert exc.value.code == "invalid_phone"


def test_masking_hides_the_middle_digits():
    assert mask_phone("+8613800138000") == "138****8000"
    assert mask_phone("+14155552671") == "+141****2671"
    assert mask_phone("") == ""
