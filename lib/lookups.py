"""Lookups that need different SQL on each database, with one name in the ORM."""

from typing import Any

from django.db.models import JSONField, Lookup


@JSONField.register_lookup
class HasItem(Lookup):
    """`field__has_item=value`: a JSON list holds this value (a code among a person's pathways,
    a field name among an audit event's changed fields)."""

    lookup_name = "has_item"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # SQLite: walk the list with json_each (exact match on the item).
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # lhs and rhs are compiled SQL fragments; the values travel as parameters.
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) AS item WHERE item.value = {rhs})"  # noqa: S608
        return sql, [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # PostgreSQL: jsonb containment, which a GIN index on the column can answer.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @> jsonb_build_array(({rhs})::text)", [*lhs_params, *rhs_params]
