"""Bulk loading for seed data: PostgreSQL COPY where available, batched inserts elsewhere."""

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Field, JSONField, Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from psycopg.types.json import Jsonb


@lru_cache(maxsize=1)
def uses_copy() -> bool:
    """Whether bulk_insert COPYs (PostgreSQL): asked once, not per row as demo seeds build their
    rows (through Django's connection proxy, that was a tenth of building a contact)."""
    return connection.vendor == "postgresql"


def bulk_insert(
    model: type[Model], objects: Sequence[Model], *, repeat_ciphertexts: bool = False
) -> int:
    """Insert fully built model instances (primary keys set) as fast as the database allows.

    No signals, no save(); only for data the caller built and validated itself (demo seeds).
    `repeat_ciphertexts` encrypts each distinct text once per call and stores that token for
    every row with the same text: each still decrypts to its own text, but equal texts get
    equal ciphertexts, which is fine for demo text drawn from a short list and wrong for
    anything a person wrote (so it is off unless a demo seed asks for it).
    """
    if not objects:
        return 0
    if not uses_copy():
        model._default_manager.bulk_create(objects, batch_size=2000)
        return len(objects)
    fields = _copy_fields(model)
    _copy(model, fields, _rows(objects, fields, repeat_ciphertexts))
    return len(objects)


def copy_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """COPY rows that are already database values (JSON as text, encrypted text already
    encrypted) into these columns of `model`'s table: no model instances at all, for the
    millions of rows of the largest demo tables. PostgreSQL only."""
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_name[name] for name in columns]
    return _copy(model, fields, rows)


def _copy_fields(model: type[Model]) -> list[Field]:
    # Auto-increment keys are left to the database's sequence.
    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]


def _copy(model: type[Model], fields: list[Field], rows: Iterable[Sequence[object]]) -> int:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


def _rows(
    objects: Iterable[Model], fields: list[Field], repeat_ciphertexts: bool
) -> Iterable[Sequence[object]]:
    """Plain Python values: psycopg adapts str, int, bool, dates, UUIDs and None itself, which is
    several times faster than Django's per-field preparation. JSON goes as its text (COPY's
    text format parses it), encrypted fields through the field's own encryption."""
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    names = [f.attname for f in fields]
    # Straight from the instance's __dict__: foreign-key attributes are descriptors, and reading
    # them through getattr was a fifth of loading a contact.
    from_dict = itemgetter(*names) if len(names) > 1 else lambda d: (d[names[0]],)
    json_at = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
    encrypted_at = {i: f for i, f in enumerate(fields) if getattr(f, "encrypted", False)}
    # Keyed hashes of encrypted values (lib.blind_index), computed as save() would.
    hashed_at: dict[int, Any] = {i: f for i, f in enumerate(fields) if getattr(f, "hash_of", "")}
    ciphertexts: dict[tuple[int, object], object] = {}
    now = timezone.now()
    for obj in objects:
        for name in stamped:
            setattr(obj, name, now)
        try:
            row = list(from_dict(obj.__dict__))
        except KeyError:
            # A field left unset gets its default, as Model.__init__ would give it. Never through
            # the attribute: on a row made without __init__ that is a deferred field, whose
            # query would wait for ever on the connection the COPY holds.
            row = [
                obj.__dict__[f.attname] if f.attname in obj.__dict__ else f.get_default()
                for f in fields
            ]
        for i, field in hashed_at.items():
            row[i] = field.hash_for(getattr(obj, field.hash_of))
        for i in json_at:
            row[i] = _json(row[i])
        for i, field in encrypted_at.items():
            text = row[i]
            if not repeat_ciphertexts:
                row[i] = field.get_prep_value(text)
                continue
            # Per column (a list field's value is keyed by its JSON, which lists can't be).
            key = (i, text if isinstance(text, str) else json.dumps(text))
            if (token := ciphertexts.get(key)) is not None:
                row[i] = token
            else:
                row[i] = ciphertexts[key] = field.get_prep_value(text)
        yield row


def _json(value: object) -> object:
    # As Jsonb(value) stored it before: None becomes JSON null, not SQL NULL.
    return value if isinstance(value, Jsonb) else json.dumps(value)
