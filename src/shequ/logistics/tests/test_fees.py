"""Delivery options and shipping fees: which rate applies, first/extra weight, free shipping, bad input."""

from decimal import Decimal

import pytest

from shequ.core.errors import InvalidInput
from shequ.logistics.fees import parcel_weight_grams, province_normalise, rate_fee, rate_for_province
from shequ.logistics.models import ShippingRate
from shequ.logistics.services import delivery_options, shipping_fee
from shequ.logistics.testing import make_carrier

pytestmark = pytest.mark.django_db


def fee(code="zto", province="上海市", grams=800, total="50.00"):
    return shipping_fee(carrier_code=code, province=province, weight_grams=grams, items_total=Decimal(total))


def test_a_province_listed_by_a_rate_beats_the_catch_all(carriers):
    assert fee(province="江苏省") == Decimal("8.00")  # ZTO first kg to 江浙沪
    assert fee(province="广东省") == Decimal("10.00")  # catch-all
    assert fee(province="新疆维吾尔自治区") == Decimal("18.00")  # remote


def test_extra_weight_is_charged_per_started_unit(carriers):
    assert fee(province="广东省", grams=1000) == Decimal("10.00")
    assert fee(province="广东省", grams=1001) == Decimal("14.00")  # + 1 started kg at ¥4
    assert fee(province="广东省", grams=2000) == Decimal("14.00")
    assert fee(province="广东省", grams=3500) == Decimal("22.00")  # + 3 kg


def test_a_light_parcel_pays_the_first_weight(carriers):
    assert fee(province="广东省", grams=0) == fee(province="广东省", grams=1000) == Decimal("10.00")


def test_free_shipping_from_the_threshold_but_never_to_remote_regions(carriers):
    assert fee(province="广东省", total="98.99") == Decimal("10.00")
    assert fee(province="广东省", total="99.00") == Decimal("0.00")
    assert fee(province="新疆维吾尔自治区", total="500.00") == Decimal("18.00")
    assert fee(code="sf", province="广东省", total="99.00") == Decimal("18.00")  # SF: free only from ¥199


def test_delivery_options_are_sorted_by_fee_and_skip_carriers_that_do_not_go_there(carriers):
    options = delivery_options(province="浙江省", weight_grams=1500, items_total=Decimal("30.00"))

    assert [(o.carrier_code, o.fee, o.free) for o in options] == [
        ("zto", Decimal("10.00"), False),
        ("yto", Decimal("10.00"), False),
        ("jd", Decimal("14.00"), False),
        ("sf", Decimal("15.00"), False),
        ("ems", Decimal("20.00"), False),
    ]
    hong_kong = delivery_options(province="香港特别行政区", weight_grams=500, items_total=Decimal("30.00"))
    assert [(o.carrier_code, o.fee) for o in hong_kong] == [("sf", Decimal("32.00")), ("ems", Decimal("45.00"))]


def test_free_options_say_so_and_inactive_carriers_are_not_offered(carriers):
    from shequ.logistics.models import Carrier

    Carrier.objects.filter(code="yto").update(is_active=False)

    options = delivery_options(province="广东省", weight_grams=500, items_total=Decimal("150.00"))

    assert [(o.carrier_code, o.fee, o.free) for o in options][:2] == [
        ("zto", Decimal("0.00"), True),
        ("jd", Decimal("0.00"), True),
    ]
    assert "yto" not in [o.carrier_code for o in options]
    with pytest.raises(InvalidInput) as caught:
        fee(code="yto")
    assert caught.value.code == "carrier_unavailable"


def test_short_province_names_are_understood():
    assert province_normalise("浙江") == "浙江省"
    assert province_normalise(" 新疆 ") == "新疆维吾尔自治区"


@pytest.mark.parametrize("province", ["", "火星", "江", "<script>", "Zhejiang"])
def test_an_unknown_province_is_invalid_input(carriers, province):
    with pytest.raises(InvalidInput) as caught:
        delivery_options(province=province, weight_grams=500, items_total=Decimal("10"))
    assert caught.value.code == "province_unknown"
    with pytest.raises(InvalidInput):
        fee(province=province)


@pytest.mark.parametrize(("grams", "total"), [(-1, "10"), (2_000_000, "10"), (100, "-0.01"), (100, "NaN")])
def test_a_nonsense_parcel_is_invalid_input(carriers, grams, total):
    with pytest.raises(InvalidInput) as caught:
        delivery_options(province="上海市", weight_grams=grams, items_total=Decimal(total))
    assert caught.value.code == "parcel_invalid"


def test_an_unknown_carrier_is_unavailable(carriers):
    with pytest.raises(InvalidInput) as caught:
        fee(code="nope")
    assert caught.value.code == "carrier_unavailable"


def test_rate_choice_and_fee_are_plain_functions():
    special = ShippingRate(
        pk=2,
        provinces=["西藏自治区"],
        first_weight_grams=500,
        first_fee=Decimal("20"),
        extra_unit_grams=500,
        extra_fee=Decimal("7.5"),
    )
    anywhere = ShippingRate(
        pk=1, provinces=[], first_fee=Decimal("9.9"), extra_fee=Decimal("3"), free_over=Decimal("59")
    )

    assert rate_for_province([special, anywhere], "西藏自治区") is special
    assert rate_for_province([special, anywhere], "河北省") is anywhere
    assert rate_for_province([special, anywhere], "台湾省") is None  # the catch-all is mainland only
    assert rate_fee(special, weight_grams=1200, items_total=Decimal("100")) == (Decimal("35.00"), False)
    assert rate_fee(anywhere, weight_grams=1200, items_total=Decimal("59")) == (Decimal("0.00"), True)
    assert parcel_weight_grams([(350, 2), (1200, 1)]) == 1900


def test_a_carrier_with_only_specific_rates_serves_only_those_provinces():
    make_carrier("local", rates=[{"provinces": ["上海市"], "first_fee": Decimal("6")}])

    assert [o.carrier_code for o in delivery_options(province="上海市", weight_grams=1, items_total=Decimal(1))] == [
        "local"
    ]
    assert delivery_options(province="北京市", weight_grams=1, items_total=Decimal(1)) == []
