"""Bulk loading for seed data: PostgreSQL COPY where available, batched inserts elsewhere."""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Field, JSONField, Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from psycopg.types.json import Jsonb


def bulk_insert(model: type[Model], objects: Sequence[Model]) -> int:
    """Insert fully built model instances (primary keys set) as fast as the database allows.

    No signals, no save(); only for data the caller built and validated itself (demo seeds).
    """
    if not objects:
        return 0
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=2000)
        return len(objects)
    # Auto-increment keys are left to the database's sequence.
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in _rows(objects, fields):
                copy.write_row(row)
    return len(objects)


def _rows(objects: Iterable[Model], fields: list[Field]) -> Iterable[tuple[object, ...]]:
    """Plain Python values: psycopg adapts str, int, bool, dates, UUIDs and None itself, which is
    several times faster than Django's per-field preparation; JSON is wrapped explicitly."""
    stamped = [
        f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    names = [f.attname for f in fields]
    json_at = {i for i, f in enumerate(fields) if isinstance(f, JSONField)}
    encrypted_at = {i: f for i, f in enumerate(fields) if getattr(f, "encrypted", False)}
    now = timezone.now()
    for obj in objects:
        for field in stamped:
            setattr(obj, field.attname, now)
        row = [getattr(obj, name) for name in names]
        for i in json_at:
            row[i] = Jsonb(row[i])
        for i, field in encrypted_at.items():
            row[i] = field.get_prep_value(row[i])
        yield tuple(row)
