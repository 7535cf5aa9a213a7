"""Idempotency keys with a memory of what they were used for. A retry sends the same key with the
same body and gets the first answer; the same key with a different body is not a retry (a client
bug, or a second report that would silently vanish into the first) and is refused. Each endpoint
stores the fingerprint of the normalised body beside the key, in the transaction that acts on it.
The refusal is 422, as the IETF draft "The Idempotency-Key HTTP Header Field" asks."""

import hashlib
import json
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from .errors import CaseError


class KeyReused(CaseError):
    status = 422
    code = "key_reused"
    default_message = _("该幂等键已用于另一份内容不同的提交")


def _file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def request_fingerprint(*, data: Mapping, files=None, ignore: Iterable[str] = ()) -> str:
    """SHA-256 of the body as it matters: form fields by name (`photos[]` is `photos`), values
    trimmed, empty ones dropped, order of names ignored; files by content, never by name; a JSON
    body by its canonical dump. `ignore` names what is not the submission (the key itself,
    credentials, the CSRF token)."""
    ignored = set(ignore)
    fields: dict[str, object] = {}
    if hasattr(data, "lists"):
        for name, values in data.lists():
            name = name.removesuffix("[]")
            kept = [value.strip() for value in values if isinstance(value, str) and value.strip()]
            if name not in ignored and kept:
                fields.setdefault(name, []).extend(kept)
    else:
        fields = {name: value for name, value in data.items() if name not in ignored}
    photos: dict[str, list[str]] = {}
    if files is not None:
        for name, uploads in files.lists():
            photos.setdefault(name.removesuffix("[]"), []).extend(_file_digest(upload) for upload in uploads)
    canonical = json.dumps({"fields": fields, "files": {name: sorted(d) for name, d in photos.items()}},
                           sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_reuse_check(*, key: str, stored: str, fingerprint: str, field: str = "key") -> None:
    """Refuse a key whose first use had another body. A first use recorded before fingerprints
    were kept (`stored` empty) is taken as a retry."""
    if stored and fingerprint and stored != fingerprint:
        raise KeyReused(_("幂等键“%(key)s”已用于另一份内容不同的提交；重试请原样发送，新的提交请使用新的幂等键")
                        % {"key": key}, field=field)
