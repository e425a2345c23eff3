"""Querysets whose SQL is built once per process, for the API's hot reads.

Django builds a query's SQL anew on every run: about 1 ms of CPU for a select with joins, against a few
hundredths of a millisecond to send the same text. A ``CompiledQuery`` builds its queryset once per shape
(the values that change the SQL's text: which filters apply, the page size) with a sentinel in place of
each value that does not (an id, a code, a date), compiles it, finds each sentinel among the compiled
parameters, and from then on runs that same SQL with the run's values in their places. The rows become
model instances (with their ``select_related`` objects and annotations) as Django's own iteration makes
them, so a caller gets what the queryset would have given: the same SQL, the same objects.

A sentinel must be a value of the field's type that the query holds nowhere else (a negative id, a
string no code has, a date in year 1); compiling fails if it is not found among the parameters. A slot
compared with a field (``field=slot``, ``field__lte=slot``...) binds each run's value as that lookup
converts it (the field's ``get_prep_value`` and ``get_db_prep_value``: a date given as a moment, a
field that encodes its values); a slot whose conversion does not give the compiled parameter again (a
field that encrypts with a fresh nonce, a pattern lookup) is refused when compiled. A slot
given None is built as None (``build`` leaves its filter out, say): which slots are None is part of the
shape. An integer beyond 64 bits finds no row (as Django's own lookups answer it), where the database
would refuse it."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Lookup, Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql import Query

R = TypeVar("R")  # what the queryset yields: model instances, or tuples for a ``values_list`` query
_populators: Callable[..., list[Any]] = get_related_populators  # (klass_info, select, db) in Django 5.2

_SHAPES_MAX = 512  # shapes remembered per query; past it a new shape is compiled on every run
_ID_SENTINEL_BASE = -(2**62)
_INT64 = (-(2**63), 2**63 - 1)


def id_sentinel(n: int) -> int:
    """The ``n``th sentinel for an integer slot: an id no row has."""
    return _ID_SENTINEL_BASE - n


def text_sentinel(name: str) -> str:
    """A sentinel for a text slot: no stored text starts with a NUL character."""
    return f"\x00slot:{name}"


def date_sentinel(n: int) -> dt.date:
    """The ``n``th sentinel for a date slot: a day of year 1."""
    return dt.date(1, 1, 1) + dt.timedelta(days=n)


def moment_sentinel(n: int) -> dt.datetime:
    """The ``n``th sentinel for an (aware) date and time slot: a second of the first day of year 1."""
    return dt.datetime(1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, bool], ...]  # (parameter position, slot name, converted)
    convert: Mapping[str, Convert]  # the slots compared with a field: the lookup's conversion
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]  # (column, converters, expression)
    width: int  # columns read from each row
    model: type[Model] | None  # None: rows are tuples (a ``values_list`` query)
    init_list: tuple[str, ...]
    model_columns: tuple[int, int]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


def _adapted(connection: Any, value: Any) -> Any:
    """A value as the backend adapts it while compiling (SQLite's dates and times are text)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


Convert = Callable[[Any], Any]


def _lookups(where: Any) -> Iterator[Lookup[Any]]:
    """Every lookup of a WHERE tree, those of its subqueries too."""
    for child in getattr(where, "children", ()):
        if isinstance(child, Lookup):
            yield child
            inner = getattr(child.rhs, "query", child.rhs)
            if isinstance(inner, Query):
                yield from _lookups(inner.where)
        else:
            yield from _lookups(child)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _prepped(field: Any, value: Any) -> Any:
    """``value`` as the field prepares it for a lookup; None where the field does not take it (another
    slot's sentinel, of another type)."""
    try:
        return field.get_prep_value(value)
    except (TypeError, ValueError, ValidationError):
        return None


def _field_converters(queryset: QuerySet[Any], connection: Any, sentinels: Mapping[str, Any]) -> dict[str, Convert]:
    """For each slot compared with a field by a lookup of one value: how a run's value becomes the
    parameter, as the lookup converts it (``get_prep_lookup``, then ``get_db_prep_lookup``)."""
    out: dict[str, Convert] = {}
    for lookup in _lookups(queryset.query.where):
        field = getattr(lookup.lhs, "output_field", None)
        if field is None or isinstance(lookup.rhs, list | tuple | set | QuerySet | Query):
            continue
        for name, sentinel in sentinels.items():
            if name in out or not (_same(lookup.rhs, sentinel) or _same(lookup.rhs, _prepped(field, sentinel))):
                continue

            def convert(value: Any, lookup: Lookup[Any] = lookup) -> Any:
                fresh = copy.copy(lookup)
                fresh.rhs = value
                _sql, params = fresh.get_db_prep_lookup(fresh.get_prep_lookup(), connection)
                return params[0]

            out[name] = convert
    return out


def _slot_positions(
    connection: Any, params: tuple[Any, ...], sentinels: Mapping[str, Any], converters: Mapping[str, Convert]
) -> tuple[tuple[int, str, bool], ...]:
    found: list[tuple[int, str, bool]] = []
    for name, sentinel in sentinels.items():
        if name in converters:
            expected = converters[name](sentinel)
            hits = [(i, name, True) for i, p in enumerate(params) if _same(p, expected)]
            if not hits:
                raise ValueError(
                    f"compiled query: slot {name!r} is converted by its field to another parameter each time (or "
                    "is not a parameter of the SQL): it cannot be bound to a compiled query"
                )
            found += hits
            continue
        adapted = _adapted(connection, sentinel)
        hits = [
            (i, name, adapted is not sentinel and p == adapted and not isinstance(p, type(sentinel)))
            for i, p in enumerate(params)
            if p in (sentinel, adapted)
        ]
        if not hits:
            raise ValueError(f"compiled query: slot {name!r} is not a parameter of the SQL")
        found += hits
    return tuple(sorted(found))


def _compile(queryset: QuerySet[Any], sentinels: Mapping[str, Any]) -> _Compiled:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    convert = _field_converters(queryset, compiler.connection, sentinels)
    slots = _slot_positions(compiler.connection, tuple(params), sentinels, convert)
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = tuple((pos, tuple(convs), expr) for pos, (convs, expr) in compiler.get_converters(fields).items())
    klass_info = compiler.klass_info
    if klass_info is None or queryset._fields is not None:  # type: ignore[attr-defined]
        return _Compiled(sql, tuple(params), slots, convert, converters, compiler.col_count, None, (), (0, 0), (), ())
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=slots,
        convert=convert,
        converters=converters,
        width=compiler.col_count,
        model=klass_info["model"],
        init_list=tuple(f[0].target.attname for f in compiler.select[start:end]),
        model_columns=(start, end),
        populators=tuple(_populators(klass_info, compiler.select, queryset.db)),
        annotations=tuple(compiler.annotation_col_map.items()),
    )


class CompiledQuery(Generic[R]):
    """``build(**values)`` returns the queryset; the values named in ``sentinels`` are the run's (bound as
    parameters), the others make the shape (part of the SQL's text) and must be hashable."""

    def __init__(
        self, build: Callable[..., QuerySet[Any, R]], sentinels: Mapping[str, Any], using: str = "default"
    ) -> None:
        self.build = build
        self.sentinels = dict(sentinels)
        self.using = using
        self._shapes: dict[Hashable, _Compiled] = {}
        self._lock = threading.Lock()

    def _compiled(self, shape: dict[str, Any], bound: Mapping[str, Any]) -> _Compiled:
        unset = tuple(sorted(k for k, v in bound.items() if v is None))
        key = (connections[self.using].vendor, tuple(sorted(shape.items())), unset)
        found = self._shapes.get(key)
        if found is None:
            sentinels = {k: v for k, v in self.sentinels.items() if k not in unset}
            queryset = self.build(**shape, **sentinels, **dict.fromkeys(unset)).using(self.using)
            found = _compile(queryset, sentinels)
            with self._lock:
                if len(self._shapes) < _SHAPES_MAX:
                    self._shapes[key] = found
        return found

    def _rows(self, compiled: _Compiled, values: Mapping[str, Any]) -> Iterator[list[Any]]:
        connection = connections[self.using]
        params = list(compiled.params)
        for position, name, converted in compiled.slots:
            value = values[name]
            if name in compiled.convert:
                params[position] = compiled.convert[name](value)
            else:
                params[position] = _adapted(connection, value) if converted else value
        run_prepared = getattr(connection, "run_prepared", None)  # PostgreSQL: the same text, planned once
        if run_prepared is not None:
            fetched = run_prepared(compiled.sql, params)
        else:
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, params)
                fetched = cursor.fetchall()
        for raw in fetched:
            row = list(raw[: compiled.width])
            for position, convs, expression in compiled.converters:
                value = row[position]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[position] = value
            yield row

    def _split(self, values: Mapping[str, Any]) -> tuple[_Compiled, dict[str, Any]]:
        shape = {k: v for k, v in values.items() if k not in self.sentinels}
        bound = {k: v for k, v in values.items() if k in self.sentinels}
        missing = self.sentinels.keys() - bound.keys()
        if missing:
            raise TypeError(f"compiled query: no value for {sorted(missing)}")
        return self._compiled(shape, bound), bound

    @staticmethod
    def _in_range(bound: Mapping[str, Any]) -> bool:
        return all(not isinstance(v, int) or _INT64[0] <= v <= _INT64[1] for v in bound.values())

    def objects(self, **values: Any) -> list[R]:
        """The model instances the queryset built with ``values`` would give."""
        compiled, bound = self._split(values)
        if not self._in_range(bound):
            return []
        model = compiled.model
        if model is None:
            raise TypeError("compiled query: a values query has rows, not objects")
        start, end = compiled.model_columns
        out: list[R] = []
        for row in self._rows(compiled, bound):
            obj = model.from_db(self.using, list(compiled.init_list), row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            out.append(obj)  # type: ignore[arg-type]
        return out

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        """The rows (tuples, converted) of a ``values_list`` queryset built with ``values``."""
        compiled, bound = self._split(values)
        if not self._in_range(bound):
            return []
        return [tuple(row) for row in self._rows(compiled, bound)]
