"""Model fields that keep personal data encrypted at rest (see core/crypto.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from shequ.core import crypto


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token and decrypted on load.

    Ciphertexts are randomised, so only ``isnull`` lookups make sense; equality lookups must go through a
    companion ``lookup_hash`` column. Asking for any other lookup fails loudly rather than silently
    matching nothing.
    """

    description = "Text, encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt_text(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return crypto.decrypt_text(value)

    def get_lookup(self, lookup_name: str):
        if lookup_name != "isnull":
            raise FieldError(f"{self.__class__.__name__} supports only isnull lookups, not {lookup_name!r}")
        return super().get_lookup(lookup_name)
