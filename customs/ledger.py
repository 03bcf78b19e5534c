"""Ledger writes that keep the pre-aggregate exact: releasing lines, upserting aggregate deltas,
rebuilding a month. Always called inside the transaction that changes the lines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet, Sum

from customs.models import LedgerAggregate, LedgerLine

CHUNK = 2000

_KEY = ("month", "ebc_code", "mode", "direction", "country")


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _columns(model: Any, names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


def where_in(qs: QuerySet[Any], field: str, values: Sequence[Any]) -> QuerySet[Any]:
    """``field IN values`` — as ``= ANY(array)`` on PostgreSQL, where a query with thousands of
    placeholders costs more to prepare than to run."""
    if connection.vendor == "postgresql":
        column = connection.ops.quote_name(qs.model._meta.get_field(field).column)
        table = connection.ops.quote_name(qs.model._meta.db_table)
        return qs.extra(where=[f"{table}.{column} = ANY(%s)"], params=[list(values)])  # noqa: S610
    return qs.filter(**{f"{field}__in": values})


def insert_rows(model: Any, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Plain INSERT without model instances (the hot path of ingestion); COPY on PostgreSQL."""
    if not rows:
        return
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in _columns(model, names))
    table = qn(model._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as wrapper:
            raw = wrapper.cursor
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    per_row = "(" + ", ".join(["%s"] * len(names)) + ")"
    size = max(1, min(500, 30000 // len(names)))
    with connection.cursor() as cursor:
        for part in chunks(rows, size):
            sql = f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([per_row] * len(part))  # noqa: S608 - names from model metadata, values bound
            cursor.execute(sql, [value for row in part for value in row])


def upsert_aggregate(rows: Sequence[tuple[Any, ...]]) -> None:
    """Add deltas to the aggregate: rows of (month, ebc_code, mode, direction, country,
    enterprise_id, county_id, lines, amount_cny_fen)."""
    merged: dict[tuple[Any, ...], list[Any]] = {}
    for row in rows:
        current = merged.get(row[:5])
        if current is None:
            merged[row[:5]] = list(row)
        else:
            current[7] += row[7]
            current[8] += row[8]
    rows = [tuple(row) for row in merged.values()]
    if not rows:
        return
    qn = connection.ops.quote_name
    names = [*_KEY, "year", "enterprise", "county", "lines", "amount_cny_fen"]
    cols = _columns(LedgerAggregate, names)
    table = qn(LedgerAggregate._meta.db_table)
    per_row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    key_cols = ", ".join(qn(c) for c in _columns(LedgerAggregate, _KEY))
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


def release_lines(declaration_ids: Sequence[int]) -> int:
    """Mark the lines of newly released declarations and add them to the aggregate."""
    total = 0
    for part in chunks(list(declaration_ids), 5000):
        qs = where_in(LedgerLine.objects.filter(released=False), "declaration", part)
        grouped = (
            qs.values(*_KEY, "enterprise_id", "county_id")
            .annotate(n=Count("id"), fen=Sum("amount_cny_fen"))
            .order_by()
        )
        deltas = [
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
        upsert_aggregate(deltas)
        total += qs.update(released=True)
    return total


def rebuild_months(months: Iterable[int]) -> None:
    """Recompute the aggregate rows of ``months`` from the released lines (rate changes)."""
    for month in sorted(set(months)):
        LedgerAggregate.objects.filter(month=month).delete()
        grouped = (
            LedgerLine.objects.filter(month=month, released=True)
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
