"""PostgreSQL COPY from plain dicts, skipping model instances (their __init__ dominates at 100k).

Each row names the columns it sets (by attname, e.g. `coach_id`); every other column gets the
field's default, computed once. Timestamps with auto_now(_add) get the same `now`.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import JSONField, Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from psycopg.types.json import Jsonb


def copy_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows], batch_size=2000)
        return len(rows)
    now = timezone.now()
    names = [f.attname for f in fields]
    defaults: list[Any] = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults.append(now)
        elif f.has_default() and callable(f.default):
            defaults.append(f.default)  # called per row below (uuid4, list)
        else:
            defaults.append(f.get_default())
    json_at = {i for i, f in enumerate(fields) if isinstance(f, JSONField)}
    encrypted_at = {i: f for i, f in enumerate(fields) if getattr(f, "encrypted", False)}
    called_at = {i for i, d in enumerate(defaults) if callable(d)}
    # Keyed hashes of encrypted values (lib.blind_index), computed as save() would.
    hashed_at: dict[int, Any] = {i: f for i, f in enumerate(fields) if getattr(f, "hash_of", "")}
    source_at = {i: names.index(f.hash_of) for i, f in hashed_at.items()}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = [
                    row.get(name, default) for name, default in zip(names, defaults, strict=True)
                ]
                for i in called_at:
                    if names[i] not in row:
                        values[i] = defaults[i]()
                for i, field in hashed_at.items():
                    values[i] = field.hash_for(values[source_at[i]])
                for i in json_at:
                    values[i] = Jsonb(values[i])
                for i, field in encrypted_at.items():
                    values[i] = field.get_prep_value(values[i])
                copy.write_row(values)
    return len(rows)
