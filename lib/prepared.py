"""Queries built and compiled once per process, then run with new values.

Django builds a queryset and compiles it to SQL afresh on every request. For the queries every
page runs, and for Today's dozen, that Python work is most of the page's CPU time (on Today,
40% of it went to compiling SQL: bench/README.md). A query written as a function of plain values
can skip it:

    @prepared
    def _waiting(*, organization_id: UUID, since: date) -> QuerySet[Signal]:
        return Signal.objects.filter(organization_id=organization_id, raised_at__date__gte=since)

    rows = _waiting.fetch(organization_id=org.id, since=today)

The first call for a database and a shape builds the queryset three times with stand-in values
and compiles it. A keyword whose value is a UUID, an int, a date, a datetime or a `Text` (a
string marked as a parameter) is a parameter: each of its places in the compiled SQL is found by
its stand-in, and later calls put the real value there. Any other keyword (a plain string, a
bool, None) is part of the query's shape: another
value builds and compiles another query. The three compilations must give the same SQL, and
every parameter that differs between them must be a stand-in; a value the function computes
itself (`timezone.now()`, `today - timedelta(days=1)`) is refused with `NotPrepared`, so it can
never be kept from the first call. With `CAIRN_PREPARED_VERIFY` (on in the tests), every call
also compiles the query the ordinary way and checks that the SQL and parameters are the same.

Only model instances or `values()` rows are given back, as a list: the query is not a queryset
any more and cannot be filtered, counted or sliced further.
"""

import copy
import functools
import random
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.query import (  # type: ignore[attr-defined]  # populators: not in the stubs
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

M = TypeVar("M", bound=Model)

# Stand-in dates and times: they differ in year, month, day and weekday, so that a value derived
# from one (its weekday, the day before) differs between the three builds and is caught.
_DATES = (date(1901, 2, 3), date(1913, 5, 17), date(1927, 10, 26))
_TIMES = tuple(
    datetime(d.year, d.month, d.day, 3 + 7 * i, 11 + 13 * i, 5 + 17 * i, 123 + i, tzinfo=UTC)
    for i, d in enumerate(_DATES)
)


class Text(str):
    """A string given to a prepared query as a parameter (a session key, a token's hash) rather
    than as part of its shape: `_live.fetch(session_key=Text(key), now=now)`. Only for a value
    compared as it is: one the query rewrites (a LIKE pattern) is refused with `NotPrepared`."""


class NotPrepared(Exception):
    """The query cannot be prepared: the message says which value to pass in."""


Adapt = Callable[[Any], Any]


def _kind(value: Any) -> str | None:
    """The parameter kind of a keyword's value, or None when it is part of the shape."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, uuid.UUID):
        return "uuid"
    if isinstance(value, int):
        return "int"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, Text):
        return "text"
    if isinstance(value, str):
        return None
    raise NotPrepared(f"{type(value).__name__} is neither a parameter nor a shape")


def _stand_in(kind: str, build: int, place: int, rng: random.Random) -> Any:
    """The stand-in for the `place`-th keyword in the `build`-th build: two keywords of one kind
    never share a stand-in, so each place in the SQL is found for exactly one of them."""
    if kind == "uuid":
        return uuid.UUID(int=rng.getrandbits(128))
    if kind == "int":
        # Small enough for a SmallIntegerField: Django compiles a value out of a column's range
        # as "matches nothing" rather than as a parameter.
        return 1_000 + 2_900 * place + 97 * build + rng.randrange(90)
    if kind == "date":
        return _DATES[build] + timedelta(days=401 * place)
    if kind == "text":
        return Text(f"stand-in-{place}-{build}-{rng.getrandbits(64):016x}")
    return _TIMES[build] + timedelta(days=401 * place)


def _forms(kind: str, ops: Any) -> list[Adapt]:
    """The ways a value of this kind can appear among a compiled query's parameters."""
    if kind == "uuid":
        return [lambda v: v, lambda v: v.hex, str]
    if kind == "int":
        return [lambda v: v]
    if kind == "text":
        return [str]
    if kind == "date":
        return [lambda v: v, ops.adapt_datefield_value]
    return [lambda v: v, ops.adapt_datetimefield_value]


@dataclass(frozen=True)
class _Slot:
    index: int
    name: str
    adapt: Adapt


@dataclass(frozen=True)
class _Plan:
    queryset: QuerySet[Any]  # built with stand-ins: what is run, with its compiler replaced
    compiler: SQLCompiler | None  # None: the query can match nothing (`.none()`)
    sql: str
    constants: tuple[Any, ...]
    slots: tuple[_Slot, ...]
    reader: "_Reader | None"
    # By connection (each thread has its own), then by the columns asked for.
    converters: "weakref.WeakKeyDictionary[Any, dict[Any, Any]]" = field(
        default_factory=weakref.WeakKeyDictionary
    )

    def converters_of(self, connection: Any, expressions: Any) -> dict[Any, Any]:
        """The compiler's `get_converters`, worked out once per plan, database connection and
        columns: the same columns give the same converters on every run (90 columns on some of
        Today's reads, looked up one by one each time). The reader and Django's path share it."""
        found = self.converters.get(connection)
        if found is None:
            found = self.converters[connection] = {}
        key = tuple(map(id, expressions))  # the plan's own expressions: alive, and fixed
        if key not in found:
            assert self.compiler is not None  # a plan that can match nothing reads no rows
            compiler = copy.copy(self.compiler)
            compiler.connection = connection
            found[key] = SQLCompiler.get_converters(compiler, expressions)
        return found[key]

    def params(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.constants)
        for slot in self.slots:
            params[slot.index] = slot.adapt(values[slot.name])
        return params


class _Reader:
    """Runs a plan's SQL on a cursor and turns its rows into what the plan's queryset would give,
    with everything Django's iterables work out per query (the columns' names and converters,
    the related rows' populators) worked out once. Going through a cloned queryset and a copied
    compiler cost 40-60 µs more Python a read at state scale (Today's 20 prepared reads: about a
    millisecond). A queryset this does not know (rows as named tuples, related objects it was
    built with, composite keys) keeps Django's path: `fits` is False."""

    _ITERABLES = (ModelIterable, ValuesIterable, ValuesListIterable, FlatValuesListIterable)

    def __init__(self, queryset: QuerySet[Any], compiler: SQLCompiler, alias: str) -> None:
        query = queryset.query
        self.iterable = queryset._iterable_class
        self.width = compiler.col_count
        self.expressions = [column[0] for column in compiler.select[: self.width]]
        self.fits = (
            self.iterable in self._ITERABLES
            and not queryset._known_related_objects  # type: ignore[attr-defined]
            and not compiler.has_composite_fields(self.expressions)
        )
        self.trim = compiler.has_extra_select
        self.prefetch = tuple(queryset._prefetch_related_lookups)  # type: ignore[attr-defined]
        if self.iterable is ValuesIterable:
            selected = query.selected
            self.names = (
                tuple(selected)
                if selected
                else (*query.extra_select, *query.values_select, *query.annotation_select)
            )
        if self.iterable is ModelIterable and self.fits:
            klass_info = compiler.klass_info
            assert klass_info is not None
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [
                column[0].target.attname for column in compiler.select[self.start : self.end]
            ]
            self.populators = get_related_populators(klass_info, compiler.select, alias)
            self.annotations = tuple((compiler.annotation_col_map or {}).items())

    def read(self, plan: "_Plan", alias: str, params: list[Any]) -> list[Any]:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows: list[Any] = cursor.fetchall()
        if self.trim:
            rows = [row[: self.width] for row in rows]
        converters = plan.converters_of(connection, self.expressions)
        if converters and rows:
            pairs = list(converters.items())
            rows = list(map(list, rows))
            for row in rows:
                for pos, (convs, expression) in pairs:
                    value = row[pos]
                    for convert in convs:
                        value = convert(value, expression, connection)
                    row[pos] = value
        iterable = self.iterable
        if iterable is ModelIterable:
            return self._instances(alias, rows)
        if iterable is ValuesIterable:
            names = self.names
            return [dict(zip(names, row, strict=True)) for row in rows]
        if iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        return rows if not converters else list(map(tuple, rows))

    def _instances(self, alias: str, rows: list[Any]) -> list[Any]:
        from_db, init_list, start, end = self.model.from_db, self.init_list, self.start, self.end
        populators, annotations = self.populators, self.annotations
        found = []
        for row in rows:
            instance = from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, pos in annotations:
                setattr(instance, name, row[pos])
            found.append(instance)
        if self.prefetch and found:
            prefetch_related_objects(found, *self.prefetch)
        return found


class Prepared(Generic[M]):
    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self.build = build
        self.name = f"{build.__module__}.{build.__qualname__}"
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        self._model: type[Model] | None = None
        self._lock = threading.Lock()

    def fetch(self, **values: Any) -> list[Any]:
        kinds = {name: _kind(value) for name, value in values.items()}
        shape = tuple(sorted((n, k, values[n] if k is None else None) for n, k in kinds.items()))
        alias = router.db_for_read(self._model) if self._model is not None else ""
        plan = self._plans.get((alias, shape))
        if plan is None:
            with self._lock:
                queryset = self.build(**values)
                self._model, alias = queryset.model, queryset.db
                plan = self._plans.get((alias, shape)) or self._prepare(alias, kinds, values)
                self._plans[(alias, shape)] = plan
        if plan.compiler is None:
            return []
        params = plan.params(values)
        if settings.CAIRN_PREPARED_VERIFY:
            self._verify(alias, values, plan.sql, params)
        if plan.reader is not None and plan.reader.fits:
            return plan.reader.read(plan, alias, params)
        compiler = copy.copy(plan.compiler)
        compiler.connection = connection = connections[alias]
        compiler.using = alias
        compiler.as_sql = lambda *args, **kwargs: (plan.sql, params)  # type: ignore[method-assign]
        compiler.get_converters = functools.partial(plan.converters_of, connection)  # type: ignore[method-assign]
        chained = plan.queryset.using(alias)
        chained.query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        return list(chained)

    def _prepare(self, alias: str, kinds: dict[str, str | None], values: dict[str, Any]) -> _Plan:
        rng = random.Random()
        builds = [_stand_ins(kinds, values, i, rng) for i in range(3)]
        querysets = [self.build(**stand_ins) for stand_ins in builds]
        compiled: list[tuple[SQLCompiler, str, tuple[Any, ...]]] = []
        for queryset in querysets:
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                compiled.append((compiler, "", ()))
                continue
            compiled.append((compiler, sql, tuple(params)))
        if any(sql != compiled[0][1] for _, sql, _ in compiled):
            raise NotPrepared(f"{self.name}: a parameter changes the SQL; pass it as a string")
        first_compiler, sql, first_params = compiled[0]
        if not sql:
            plan = _Plan(querysets[0], None, "", (), (), None)
            self._verify(alias, values, "", [])
            return plan
        ops = connections[alias].ops
        slots = []
        for index, param in enumerate(first_params):
            seen = [params[index] for _, _, params in compiled]
            if seen.count(param) == len(seen):
                _refuse_the_clock(self.name, index, param)
                continue  # a constant of the query
            slot = _find(kinds, builds, seen, index, ops)
            if slot is None:
                raise NotPrepared(
                    f"{self.name}: parameter {index} ({param!r}) is computed inside the query; "
                    "pass it in as a keyword"
                )
            slots.append(slot)
        reader = _Reader(querysets[0], first_compiler, alias)
        plan = _Plan(querysets[0], first_compiler, sql, first_params, tuple(slots), reader)
        self._verify(alias, values, sql, plan.params(values))
        return plan

    def _verify(self, alias: str, values: dict[str, Any], sql: str, params: list[Any]) -> None:
        try:
            expected = self.build(**values).query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:
            expected = ("", ())
        if (sql, tuple(params)) != (expected[0], tuple(expected[1])):
            raise NotPrepared(f"{self.name}: the prepared query differs from the built one")


def _refuse_the_clock(name: str, index: int, param: Any) -> None:
    """A date or time the query read off the clock (`timezone.localdate()` inside the function)
    is the same in all three builds, so it looks like a constant: it would be kept from the
    first call for as long as the process lives. Any constant near today is refused."""
    now = timezone.now()
    near = False
    if isinstance(param, datetime):
        near = abs(param - now) < timedelta(days=2) if param.tzinfo else False
    elif isinstance(param, date):
        near = abs(param - timezone.localdate(now)) < timedelta(days=2)
    elif isinstance(param, str) and len(param) >= 10 and param[:4].isdigit():
        try:  # SQLite is given dates and times as text
            near = abs(date.fromisoformat(param[:10]) - timezone.localdate(now)) < timedelta(days=2)
        except ValueError:
            near = False
    if near:
        raise NotPrepared(
            f"{name}: parameter {index} ({param!r}) reads the clock inside the query; "
            "pass the day or time in as a keyword"
        )


def _stand_ins(
    kinds: dict[str, str | None], values: dict[str, Any], build: int, rng: random.Random
) -> dict[str, Any]:
    """Stand-ins for the parameters; the shape's own values as they are."""
    return {
        name: _stand_in(kind, build, place, rng) if kind else values[name]
        for place, (name, kind) in enumerate(sorted(kinds.items()))
    }


def _find(
    kinds: dict[str, str | None],
    builds: list[dict[str, Any]],
    seen: list[Any],
    index: int,
    ops: Any,
) -> _Slot | None:
    """The keyword whose stand-ins, in one of their forms, are this place's values in every
    build; None when no keyword's are (the value was computed inside the query)."""
    found = {
        _Slot(index, name, adapt)
        for name, kind in kinds.items()
        if kind is not None
        for adapt in _forms(kind, ops)
        if all(adapt(build[name]) == value for build, value in zip(builds, seen, strict=True))
    }
    if len({slot.name for slot in found}) > 1:
        raise NotPrepared(f"parameter {index} matches more than one keyword")
    return next(iter(found), None)  # two forms of one keyword give the same values


def prepared(build: Callable[..., QuerySet[M]]) -> Prepared[M]:
    return Prepared(build)
