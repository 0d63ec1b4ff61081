"""Personal data is encrypted at rest and found through keyed hashes."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.db import connection

from shequ.accounts.models import User
from shequ.core import crypto

pytestmark = pytest.mark.django_db


def test_phone_numbers_are_not_stored_in_clear(make_user):
    user = make_user("+8613987654321")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM accounts_user WHERE id = %s", [user.pk])
        stored_phone, stored_hash = cursor.fetchone()

    assert "13987654321" not in stored_phone and "13987654321" not in stored_hash
    assert User.objects.get(pk=user.pk).phone == "+8613987654321"
    assert User.objects.get_by_natural_key("139 8765 4321") == user


def test_lookup_hashes_are_keyed(settings):
    before = crypto.lookup_hash("+8613987654321")
    settings.SHEQU_LOOKUP_HASH_KEY = "another-key"
    crypto.clear_key_cache()
    try:
        assert crypto.lookup_hash("+8613987654321") != before
    finally:
        settings.SHEQU_LOOKUP_HASH_KEY = ""
        crypto.clear_key_cache()


def test_keys_can_rotate_without_losing_data(settings, make_user):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.SHEQU_ENCRYPTION_KEYS = [old_key]
    crypto.clear_key_cache()
    try:
        user = make_user()
        phone = user.phone
        settings.SHEQU_ENCRYPTION_KEYS = [new_key, old_key]  # new key first: encrypt with it, read both
        crypto.clear_key_cache()
        assert User.objects.get(pk=user.pk).phone == phone
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
            token = cursor.fetchone()[0]
        rotated = crypto.rotate_token(token)
        settings.SHEQU_ENCRYPTION_KEYS = [new_key]
        crypto.clear_key_cache()
        assert crypto.decrypt_text(rotated) == phone
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_text(token)  # the old ciphertext needs the retired key
    finally:
        settings.SHEQU_ENCRYPTION_KEYS = []
        crypto.clear_key_cache()


def test_equality_lookups_on_encrypted_fields_fail_loudly():
    with pytest.raises(FieldError):
        list(User.objects.filter(phone="+8613987654321"))
