"""Services over every encrypted column, whichever app holds it."""

from django.apps import apps
from django.db import transaction

from .fields import EncryptedTextField


def encrypted_columns() -> list[tuple[type, list[str]]]:
    """(model, [field names]) for every model with an encrypted column."""
    found = []
    for model in apps.get_models():
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def contacts_rekey(*, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every stored value with the newest key (the first of JIEDAO_CONTACT_KEYS), so an
    old key can then be removed. Reading decrypts with any configured key; writing encrypts with
    the first. Returns rows rewritten per model."""
    rewritten: dict[str, int] = {}
    for model, names in encrypted_columns():
        count = 0
        for row in model._base_manager.order_by("pk").values_list("pk", *names).iterator(chunk_size=batch):
            pk, values = row[0], dict(zip(names, row[1:], strict=True))
            if not any(values.values()):
                continue  # nothing stored, nothing to re-encrypt
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**values)
            count += 1
        rewritten[model._meta.label] = count
    return rewritten
