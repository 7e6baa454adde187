"""Encryption at rest for sensitive free text: authenticated (Fernet), with rotatable keys.

Keys come from CAIRN_FIELD_KEYS (comma-separated Fernet keys, newest first). New values are
encrypted with the first key; any listed key can decrypt, so keys rotate by prepending a new
one, running `manage.py rotate_keys`, then dropping the old one.

Keyed hashes (lib.blind_index) sit beside the few encrypted values that must still be filtered
in SQL.
"""

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.db import models

PREFIX = "enc1:"
# Values opened once are kept per process (`_opened`), by key set and stored text. A page of
# Today opens about 300 names (30 µs each, a tenth of its CPU time); a kept one costs under 1 µs.
# Nothing is kept that this process could not read anyway: the keys that open every value are in
# its memory already. 20,000 short values are a few megabytes.
OPENED_KEPT = 20_000


class TamperedCiphertext(Exception):
    """Stored ciphertext failed authentication: it was altered, or no configured key fits."""


@lru_cache(maxsize=1)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _fernet(tuple(settings.CAIRN_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    return PREFIX + cipher().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was switched on; rotate_keys encrypts it
    return _opened(tuple(settings.CAIRN_FIELD_KEYS), stored)


@lru_cache(maxsize=OPENED_KEPT)
def _opened(keys: tuple[str, ...], stored: str) -> str:
    """One stored value opened with these keys. A value that fails is never kept: it fails again
    the next time it is read."""
    try:
        return _fernet(keys).decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as error:
        raise TamperedCiphertext("stored ciphertext failed authentication") from error


def rotate(stored: str) -> str:
    """Re-encrypt with the newest key (plaintext left from before encryption is encrypted)."""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    try:
        token = cipher().rotate(stored[len(PREFIX) :].encode("ascii"))
    except InvalidToken as error:
        raise TamperedCiphertext("stored ciphertext failed authentication") from error
    return PREFIX + token.decode("ascii")


def plain(stored: str) -> str:
    """The stored value decrypted, for a migration that takes encryption off a column."""
    return decrypt(stored)


class EncryptedTextField(models.TextField):
    """Text stored encrypted; reads and writes look like an ordinary text field in Python.

    Encrypted values cannot be filtered or sorted on in the database; keep such fields out of
    queries (names and phones used for search stay plain).
    """

    encrypted = True

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)


class EncryptedCharField(EncryptedTextField):
    """Encrypted text edited on one line (a name, a place, a reason): a text input in forms."""

    def formfield(self, *args: Any, **kwargs: Any) -> Any:
        return super().formfield(*args, **{"widget": forms.TextInput, **kwargs})


class EncryptedJSONField(models.TextField):
    """A JSON document (a list of a person's strengths, a review's summary) stored encrypted as
    one text column; Python sees the list or dict. The database cannot look inside it: a list
    that must be filtered by item keeps keyed hashes of its items beside it (lib.blind_index).
    """

    encrypted = True
    # For django-stubs: Python sees the decoded document, as with a JSONField.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None if value is None else self.get_default()
        # Before encryption the column held the JSON itself; decrypt() passes that through.
        return json.loads(decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, *args: Any, **kwargs: Any) -> Any:
        return models.Field.formfield(self, *args, **{"form_class": forms.JSONField, **kwargs})


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary key column, column) for every encrypted field of every installed model."""
    from django.apps import apps

    columns = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if getattr(field, "encrypted", False):
                columns.append((model._meta.db_table, model._meta.pk.column, field.column))
    return sorted(columns)


def rotate_column(
    connection: Any,
    table: str,
    pk: str,
    column: str,
    *,
    batch_size: int = 1000,
    on_batch: Any = None,
    change: Any = rotate,
) -> int:
    """Re-encrypt one column with the newest key, in primary-key order and small transactions,
    so an interrupted run loses nothing and simply resumes by running again. `change=plain`
    decrypts instead (a migration going backwards)."""
    from django.db import transaction

    quote = connection.ops.quote_name
    done, last = 0, None
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            where = f"WHERE {quote(pk)} > %s " if last is not None else ""
            cursor.execute(
                f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} {where}"  # noqa: S608
                f"ORDER BY {quote(pk)} LIMIT %s",
                [last, batch_size] if last is not None else [batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return done
            updates = [(change(value), key) for key, value in rows if value]
            if updates:
                cursor.executemany(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s "  # noqa: S608
                    f"WHERE {quote(pk)} = %s",
                    updates,
                )
        done += len(rows)
        last = rows[-1][0]
        if on_batch is not None:
            on_batch(len(rows))
