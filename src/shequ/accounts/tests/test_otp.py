"""SMS one-time codes: expiry, single use, attempt limits, flood limits and lockouts."""

from datetime import timedelta

import pytest
from conftest import last_code, next_phone
from django.utils import timezone

from shequ.accounts.models import OtpChallenge
from shequ.accounts.services.otp import otp_request, otp_verify
from shequ.core import ratelimit
from shequ.core.errors import InvalidInput, RateLimited

pytestmark = pytest.mark.django_db


def test_requesting_a_code_sends_one_sms_and_stores_only_a_hash(outbox):
    phone = next_phone()

    sent = otp_request(phone=phone, purpose="login", ip="1.2.3.4")

    assert sent.expires_in == 300
    assert len(outbox) == 1
    code = outbox[0].params["code"]
    assert outbox[0].phone == phone and code in outbox[0].text and len(code) == 6
    challenge = OtpChallenge.objects.get()
    assert code not in challenge.code_hash and challenge.phone_hash != phone


def test_the_right_code_verifies_once():
    phone = next_phone()
    otp_request(phone=phone)
    code = last_code(phone)

    assert otp_verify(phone=phone, purpose="login", code=code) == phone
    with pytest.raises(InvalidInput) as reused:
        otp_verify(phone=phone, purpose="login", code=code)
    assert reused.value.code == "otp_invalid"


def test_a_code_for_one_purpose_does_not_work_for_another():
    phone = next_phone()
    otp_request(phone=phone, purpose="login")

    with pytest.raises(InvalidInput) as exc:
        otp_verify(phone=phone, purpose="delete_account", code=last_code(phone))
    assert exc.value.code == "otp_invalid"


def test_an_expired_code_is_refused():
    phone = next_phone()
    otp_request(phone=phone)
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(InvalidInput) as exc:
        otp_verify(phone=phone, purpose="login", code=last_code(phone))
    assert exc.value.code == "otp_expired"


def test_a_newer_code_supersedes_the_older_one():
    phone = next_phone()
    otp_request(phone=phone)
    first = last_code(phone)
    ratelimit.unlock(f"otp-cooldown:{OtpChallenge.objects.get().phone_hash}:login")
    otp_request(phone=phone)
    second = last_code(phone)

    if first != second:
        with pytest.raises(InvalidInput):
            otp_verify(phone=phone, purpose="login", code=first)
    assert otp_verify(phone=phone, purpose="login", code=second) == phone


def test_wrong_guesses_are_counted_and_the_code_dies_after_five():
    phone = next_phone()
    otp_request(phone=phone)
    code = last_code(phone)
    wrong = "000000" if code != "000000" else "111111"

    for _ in range(5):
        with pytest.raises(InvalidInput):
            otp_verify(phone=phone, purpose="login", code=wrong)

    assert OtpChallenge.objects.get().attempts == 5
    with pytest.raises(RateLimited) as exc:
        otp_verify(phone=phone, purpose="login", code=code)
    assert exc.value.code == "otp_attempts_exceeded"


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", "12 456", "１２３４５６"])
def test_malformed_codes_are_refused_without_consuming_the_code(bad):
    phone = next_phone()
    otp_request(phone=phone)

    with pytest.raises(InvalidInput):
        otp_verify(phone=phone, purpose="login", code=bad)
    assert otp_verify(phone=phone, purpose="login", code=last_code(phone)) == phone


def test_asking_again_within_the_cooldown_is_refused_and_sends_nothing(outbox):
    phone = next_phone()
    otp_request(phone=phone)

    with pytest.raises(RateLimited) as exc:
        otp_request(phone=phone)
    assert exc.value.code == "otp_too_soon"
    assert 0 < exc.value.retry_after <= 60
    assert len(outbox) == 1


def test_sms_flooding_one_phone_stops_at_the_hourly_limit(outbox, settings):
    settings.SHEQU_OTP = {**settings.SHEQU_OTP, "RESEND_COOLDOWN_SECONDS": 0}
    phone = next_phone()
    for _ in range(5):
        otp_request(phone=phone)

    with pytest.raises(RateLimited) as exc:
        otp_request(phone=phone)
    assert exc.value.code == "otp_send_limit"
    assert len(outbox) == 5


def test_one_ip_cannot_flood_many_phones(outbox, settings):
    settings.SHEQU_OTP = {**settings.SHEQU_OTP, "PER_IP_PER_HOUR": 3}
    for _ in range(3):
        otp_request(phone=next_phone(), ip="9.9.9.9")

    with pytest.raises(RateLimited) as exc:
        otp_request(phone=next_phone(), ip="9.9.9.9")
    assert exc.value.code == "ip_rate_limited"
    assert len(outbox) == 3
    otp_request(phone=next_phone(), ip="8.8.8.8")  # another network is unaffected
    assert len(outbox) == 4


def test_repeated_failures_across_codes_lock_the_phone(settings):
    settings.SHEQU_OTP = {
        **settings.SHEQU_OTP,
        "RESEND_COOLDOWN_SECONDS": 0,
        "PHONE_FAILURES_BEFORE_LOCK": 3,
        "PER_PHONE_PER_HOUR": 100,
        "PER_PHONE_PER_DAY": 100,
    }
    phone = next_phone()
    for _ in range(2):
        otp_request(phone=phone)
        for _ in range(2):
            with pytest.raises((InvalidInput, RateLimited)):
                otp_verify(phone=phone, purpose="login", code="999999" if last_code(phone) != "999999" else "888888")

    with pytest.raises(RateLimited) as exc:
        otp_request(phone=phone)
    assert exc.value.code == "phone_locked"
    with pytest.raises(RateLimited):
        otp_verify(phone=phone, purpose="login", code=last_code(phone))


def test_unknown_purpose_is_refused():
    with pytest.raises(InvalidInput) as exc:
        otp_request(phone=next_phone(), purpose="steal")
    assert exc.value.code == "choice_invalid"
