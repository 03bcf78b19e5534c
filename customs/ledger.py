"""Ledger writes that keep the pre-aggregate exact: marking releases and folding them into the
aggregate, upserting aggregate deltas, rebuilding a month. Always called inside a transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet, Sum

from customs.models import Declaration, LedgerAggregate, LedgerLine, PendingRelease
from customs.prepare import copy_row

CHUNK = 2000

_KEY = ("month", "ebc_code", "mode", "direction", "country")


def datetime_adapter() -> Callable[[dt.datetime | None], Any]:
    """A cheap adapter of aware datetimes for raw SQL: on SQLite the naive UTC text Django
    stores (``str()`` of the UTC value), elsewhere Django's own adapter."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value

    def adapt(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))

    return adapt


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def columns(model: Any, names: Sequence[str]) -> list[str]:
    """The database columns of ``model``'s fields ``names``."""
    return [model._meta.get_field(name).column for name in names]


def where_in(qs: QuerySet[Any], field: str, values: Sequence[Any]) -> QuerySet[Any]:
    """``qs`` filtered on ``field IN values`` with the values as one parameter (``in_values``):
    a query with thousands of placeholders costs more to build and prepare than to run."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return qs.filter(**{f"{field}__in": values})
    qn = connection.ops.quote_name
    column = f"{qn(qs.model._meta.db_table)}.{qn(qs.model._meta.get_field(field).column)}"
    sql, param = in_values(column, values)
    return qs.extra(where=[sql], params=[param])  # noqa: S610 - names from model metadata


def insert_rows(model: Any, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Plain INSERT without model instances (the hot path of ingestion); COPY on PostgreSQL."""
    if not rows:
        return
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns(model, names))
    table = qn(model._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as wrapper:
            copy_rows(wrapper.cursor, f"COPY {table} ({cols}) FROM STDIN", rows)
        return
    if connection.vendor == "sqlite":
        # Multi-row INSERTs (measured faster than executemany) on the driver's own cursor, in
        # the same transaction: Django's wrapper would rewrite each long statement's
        # placeholders and adapt every value again (a third of the time on large chunks).
        connection.ensure_connection()
        per_row = "(" + ", ".join(["?"] * len(names)) + ")"
        size = max(1, min(500, 30000 // len(names)))
        raw = connection.connection.cursor()
        try:
            for part in chunks(rows, size):
                sql = f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([per_row] * len(part))  # noqa: S608 - names from model metadata, values bound
                raw.execute(sql, [value for row in part for value in row])
        finally:
            raw.close()
        return
    per_row = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for part in chunks(rows, 500):
            sql = f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([per_row] * len(part))  # noqa: S608 - names from model metadata, values bound
            cursor.execute(sql, [value for row in part for value in row])


def insert_new(
    model: Any,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    key: Sequence[str],
    returning: Sequence[str],
) -> list[tuple[Any, ...]]:
    """PostgreSQL: insert the rows whose unique ``key`` is not stored yet and return the fields
    ``returning`` of those inserted, in one statement: the rows are copied into a temporary
    table of the same columns (no index) and inserted from it with ``ON CONFLICT DO NOTHING``.
    The unique index is probed once per row, as any insert does; a separate look-up of the keys
    beforehand would probe it twice. ``rows`` must not repeat a key."""
    if not rows:
        return []
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    stage = qn(f"stage_{model._meta.db_table}")
    cols = ", ".join(qn(c) for c in columns(model, names))
    with connection.cursor() as cursor:
        # Created once per connection (a rollback drops it with the rows), emptied after use.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} AS "  # noqa: S608 - names from model metadata
            f"SELECT {cols} FROM {table} WITH NO DATA"
        )
        copy_rows(cursor.cursor, f"COPY {stage} ({cols}) FROM STDIN", rows)
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} "  # noqa: S608 - names from model metadata
            f"ON CONFLICT ({', '.join(qn(c) for c in columns(model, key))}) DO NOTHING "
            f"RETURNING {', '.join(qn(c) for c in columns(model, returning))}"
        )
        inserted = [tuple(row) for row in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {stage}")
    return inserted


def copy_rows(cursor: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL: COPY ``rows`` as text made by ``prepare.copy_row`` (psycopg's ``write_row``
    adapts value by value: 5 us a row of twenty values, several times the text's cost)."""
    with cursor.copy(sql) as copy:
        for part in chunks(rows, 2000):
            copy.write("".join([copy_row(row) + "\n" for row in part]))


def copy_text(model: Any, names: Sequence[str], blocks: Sequence[str]) -> None:
    """PostgreSQL: COPY rows already in COPY text format (``prepare.copy_row`` lines)."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns(model, names))
    table = qn(model._meta.db_table)
    with (
        connection.cursor() as wrapper,
        wrapper.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
    ):
        for part in chunks(blocks, 1000):
            copy.write("".join(part))


def upsert_aggregate(rows: Sequence[tuple[Any, ...]]) -> None:
    """Add deltas to the aggregate: rows of (month, ebc_code, mode, direction, country,
    enterprise_id, county_id, lines, amount_cny_fen). Rows of one key are summed; the key takes
    the highest enterprise and county given (as SQL ``MAX``: an unmapped line has none)."""
    merged: dict[tuple[Any, ...], list[Any]] = {}
    for row in rows:
        current = merged.get(row[:5])
        if current is None:
            merged[row[:5]] = list(row)
            continue
        current[7] += row[7]
        current[8] += row[8]
        for i in (5, 6):
            if row[i] is not None and (current[i] is None or row[i] > current[i]):
                current[i] = row[i]
    rows = [tuple(row) for row in merged.values()]
    if not rows:
        return
    qn = connection.ops.quote_name
    names = [*_KEY, "year", "enterprise", "county", "lines", "amount_cny_fen"]
    cols = columns(LedgerAggregate, names)
    table = qn(LedgerAggregate._meta.db_table)
    per_row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    key_cols = ", ".join(qn(c) for c in columns(LedgerAggregate, _KEY))
    ent, cty, lines, amount = (qn(c) for c in cols[-4:])
    with connection.cursor() as cursor:
        for part in chunks(rows, 500):
            params: list[Any] = []
            for month, code, mode, direction, country, enterprise, county, n, fen in part:
                params += [month, code, mode, direction, country, month // 100]
                params += [enterprise, county, n, fen]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(qn(c) for c in cols)}) VALUES "  # noqa: S608 - names from model metadata, values bound
                + ", ".join([per_row] * len(part))
                + f" ON CONFLICT ({key_cols}) DO UPDATE SET "
                f"{lines} = {table}.{lines} + excluded.{lines}, "
                f"{amount} = {table}.{amount} + excluded.{amount}, "
                f"{ent} = excluded.{ent}, {cty} = excluded.{cty}",
                params,
            )


def stage(name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> str:
    """Load ``rows`` into a fresh temporary table ``name`` (columns of (name, SQL type)) for
    set-based joins; COPY on PostgreSQL, one multi-row INSERT per few hundred rows on SQLite.
    Returns the quoted table name. The table lives until the next ``stage`` of the same name or
    the end of the connection."""
    qn = connection.ops.quote_name
    table = qn(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} ("
            + ", ".join(f"{qn(c)} {t}" for c, t in columns)
            + ")"
        )
        if not rows:
            return table
        cols = ", ".join(qn(c) for c, _t in columns)
        if connection.vendor == "postgresql":
            copy_rows(cursor.cursor, f"COPY {table} ({cols}) FROM STDIN", rows)
            cursor.execute(f"ANALYZE {table}")
            return table
        per_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        size = max(1, min(500, 30000 // len(columns)))
        for part in chunks(rows, size):
            cursor.execute(
                f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([per_row] * len(part)),  # noqa: S608 - our own names, values bound
                [value for row in part for value in row],
            )
    return table


def in_values(column: str, values: Sequence[Any]) -> tuple[str, Any]:
    """SQL ``column IN values`` with the values as one parameter, and that parameter: an array
    (``= ANY``) on PostgreSQL, JSON (``json_each``) on SQLite. No join for the planner to get
    wrong, and no statement with thousands of placeholders."""
    if connection.vendor == "postgresql":
        # The array as one literal: psycopg dumps a Python list element by element in Python.
        if all(type(v) is int for v in values):
            return f"{column} = ANY(%s::bigint[])", "{" + ",".join(map(str, values)) + "}"
        return f"{column} = ANY(%s::text[])", array_literal(values)
    return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(list(values))  # noqa: S608 - a column name from model metadata


_ARRAY_ESCAPE = str.maketrans({"\\": "\\\\", '"': '\\"'})


def array_literal(values: Sequence[Any]) -> str:
    """A PostgreSQL text array literal: ``{"a","b \\"c\\""}`` (every element quoted and escaped)."""
    return "{" + ",".join(['"' + str(v).translate(_ARRAY_ESCAPE) + '"' for v in values]) + "}"


class TableGrowth:
    """Keeps PostgreSQL's statistics of the tables a batch grows close to their size.

    The ingestion's lookups (declarations by copNo, receipts by key, the status update) are
    planned from table statistics. A batch can grow a table many times over before autovacuum
    analyzes it, and a plan made for the small table (reading every row of the type for each
    lookup) then costs about eight times more (5,000 copNo: 112 ms against 14 ms, 236,000
    declarations). So a table is analyzed, after a commit, whenever the run has added as many rows
    as it had at the last analysis (at least ``MIN_ROWS``): a few times per run, each sampling
    a bounded number of rows. Other databases plan without such statistics: nothing to do."""

    MIN_ROWS = 20_000

    def __init__(self, *models: Any) -> None:
        self.active = connection.vendor == "postgresql"
        self.added: dict[Any, int] = dict.fromkeys(models, 0)
        self.known: dict[Any, int] = {}
        if not self.active:
            return
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(
                    "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
                    [model._meta.db_table],
                )
                self.known[model] = int(cursor.fetchone()[0])

    def grew(self, model: Any, rows: int) -> None:
        self.added[model] += rows

    def refresh(self) -> list[str]:
        """Analyze the tables that doubled (outside a transaction); returns their names."""
        if not self.active:
            return []
        done = []
        for model, added in self.added.items():
            if added >= max(self.MIN_ROWS, self.known[model]):
                table = model._meta.db_table
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
                self.known[model] += added
                self.added[model] = 0
                done.append(table)
        return done


def mark_released(declaration_ids: Sequence[int]) -> None:
    """Mark newly released declarations for the next ``fold_released``, in the transaction
    that marks them ``released`` (a line counts in the ledger through its declaration, so
    nothing is written to the lines)."""
    insert_rows(PendingRelease, ["declaration"], [(pk,) for pk in declaration_ids])


def fold_released() -> int:
    """Add the lines of every marked release to the aggregate and remove the marks; returns
    how many declarations were folded.

    The marks are deleted first (``DELETE … RETURNING``) and the lines added in the same
    transaction, so a release is folded exactly once even when two runs fold at the same time:
    a mark another transaction has deleted is not returned to this one."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {qn(PendingRelease._meta.db_table)} "  # noqa: S608 - names from model metadata
            f"RETURNING {qn(columns(PendingRelease, ['declaration'])[0])}"
        )
        ids = [row[0] for row in cursor.fetchall()]
    release_lines(ids)
    return len(ids)


def release_lines(declaration_ids: Sequence[int]) -> None:
    """Add the lines of released declarations to the aggregate (``fold_released``).

    The deltas are one ``GROUP BY`` over those lines, added with ``INSERT … SELECT … ON
    CONFLICT DO UPDATE``, so the aggregate stays the direct sum. The lines are found through the
    unique (declaration, line_no) index, with the ids as one parameter (no join for the planner
    to misjudge on statistics that are stale in the middle of a batch)."""
    if not declaration_ids:
        return
    qn = connection.ops.quote_name
    line = qn(LedgerLine._meta.db_table)
    agg = qn(LedgerAggregate._meta.db_table)
    key = [qn(c) for c in columns(LedgerLine, _KEY)]
    line_fields = ["enterprise", "county", "amount_cny_fen", "declaration"]
    ent, cty, fen, l_decl = (qn(c) for c in columns(LedgerLine, line_fields))
    keys = ", ".join(key)
    names = [*_KEY, "year", "enterprise", "county", "lines", "amount_cny_fen"]
    acols = [qn(c) for c in columns(LedgerAggregate, names)]
    a_ent, a_cty, a_lines, a_amount = acols[-4:]
    ids = sorted(set(declaration_ids))
    # PostgreSQL partitions the lines by month: a look-up by declaration alone would probe the
    # (declaration, line_no, month) index of every partition, so the ids go month by month,
    # each statement reading one partition (the month as a literal: pruned when planned).
    parts = _by_month(ids) if connection.vendor == "postgresql" else {None: ids}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A whole run's keys in one hash table: the default 4 MB would spill it to disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for month, month_ids in parts.items():
            pending, param = in_values(f"{line}.{l_decl}", month_ids)
            if month is not None:
                pending = f"{line}.{key[0]} = {int(month)} AND {pending}"
            cursor.execute(
                f"INSERT INTO {agg} ({', '.join(acols)}) "  # noqa: S608 - names from model metadata
                f"SELECT {keys}, {key[0]} / 100, MAX({ent}), MAX({cty}), COUNT(*), SUM({fen}) "
                f"FROM {line} WHERE {pending} GROUP BY {keys} "
                f"ON CONFLICT ({', '.join(acols[:5])}) DO UPDATE SET "
                f"{a_lines} = {agg}.{a_lines} + excluded.{a_lines}, "
                f"{a_amount} = {agg}.{a_amount} + excluded.{a_amount}, "
                f"{a_ent} = excluded.{a_ent}, {a_cty} = excluded.{a_cty}",
                [param],
            )


def _by_month(declaration_ids: Sequence[int]) -> dict[int | None, list[int]]:
    """PostgreSQL: ``declaration_ids`` grouped by their lines' month (YYYYMM of the
    declaration's date: a line's month is its declaration's, which a trigger of migration 0009
    enforces), found through the declarations' primary key."""
    qn = connection.ops.quote_name
    table = qn(Declaration._meta.db_table)
    day = qn(Declaration._meta.get_field("declared_on").column)
    where, param = in_values(qn("id"), declaration_ids)
    out: dict[int | None, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, (EXTRACT(YEAR FROM {day}) * 100 + EXTRACT(MONTH FROM {day}))::int "  # noqa: S608 - names from model metadata
            f"FROM {table} WHERE {where}",
            [param],
        )
        for pk, month in cursor.fetchall():
            out.setdefault(month, []).append(pk)
    return out


def rebuild_months(months: Iterable[int]) -> None:
    """Recompute the aggregate rows of ``months`` from the released lines (rate changes).
    Marked releases are folded first: the recomputed rows include their lines."""
    fold_released()
    for month in sorted(set(months)):
        LedgerAggregate.objects.filter(month=month).delete()
        grouped = (
            LedgerLine.objects.filter(month=month, declaration__released=True)
            .values(*_KEY, "enterprise_id", "county_id")
            .annotate(n=Count("id"), fen=Sum("amount_cny_fen"))
            .order_by()
        )
        upsert_aggregate(
            [
                (
                    g["month"],
                    g["ebc_code"],
                    g["mode"],
                    g["direction"],
                    g["country"],
                    g["enterprise_id"],
                    g["county_id"],
                    g["n"],
                    int(g["fen"] or 0),
                )
                for g in grouped
            ]
        )
