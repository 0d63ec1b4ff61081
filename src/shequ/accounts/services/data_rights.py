"""Personal data rights (PIPL art. 45/47, GDPR art. 15/17): download my data; delete my account."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from shequ.accounts.models import OtpPurpose, User
from shequ.accounts.services.otp import otp_verify
from shequ.analytics.services import track
from shequ.core import personal_data


def user_data_export(*, user: User) -> tuple[str, bytes]:
    """Build a zip with one JSON file per section (profile, addresses, events, …); return (filename, bytes)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = f"shequ-data-{user.pk}-{stamp}"
    buffer = io.BytesIO()
    index = {"user_id": user.pk, "generated_at": timezone.now().isoformat(), "sections": []}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for handler in personal_data.handlers():
            if handler.export is None:
                continue
            data = handler.export(user)
            archive.writestr(
                f"{folder}/{handler.section}.json",
                json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            index["sections"].append(handler.section)
        archive.writestr(f"{folder}/README.json", json.dumps(index, ensure_ascii=False, indent=2))
    track(user, "data_exported", {"sections": index["sections"]})
    return f"{folder}.zip", buffer.getvalue()


def user_account_delete(*, user: User, code: str) -> None:
    """Delete the account after an SMS code proves it is the owner.

    Every app's eraser runs in one transaction: content is anonymised, personal data removed, tokens
    revoked; orders stay (without the personal data) because accounting law requires them.
    """
    otp_verify(phone=user.phone, purpose=OtpPurpose.DELETE_ACCOUNT, code=code)
    track(None, "account_deleted")  # anonymous: the account's own events are about to be unlinked
    with transaction.atomic():
        for handler in personal_data.handlers():
            if handler.erase is not None:
                handler.erase(user)
