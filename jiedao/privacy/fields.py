"""A text column that holds a Fernet token in the database and the plain value in Python."""

from django.db import models

from .crypto import contact_decrypt, contact_encrypt


class EncryptedTextField(models.TextField):
    """Encrypted at rest: every write encrypts with the newest key (the token differs each time,
    so the column cannot be searched or compared; filter on something else). `max_length` is the
    limit of the plain value, checked by forms, not by the database."""

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return contact_decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return contact_encrypt(value)

    def get_lookup(self, lookup_name):
        # Only "is it empty" and isnull make sense on a column of random-looking tokens.
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)
