"""Encryption at rest for sensitive free text: authenticated (Fernet), with rotatable keys.

Keys come from CAIRN_FIELD_KEYS (comma-separated Fernet keys, newest first). New values are
encrypted with the first key; any listed key can decrypt, so keys rotate by prepending a new
one, running `manage.py rotate_keys`, then dropping the old one.
"""

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


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
    try:
        return cipher().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
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
) -> int:
    """Re-encrypt one column with the newest key, in primary-key order and small transactions,
    so an interrupted run loses nothing and simply resumes by running again."""
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
            updates = [(rotate(value), key) for key, value in rows if value]
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
