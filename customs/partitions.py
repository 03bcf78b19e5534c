"""The ledger line table's monthly partitions on PostgreSQL (migration ``0009``).

PostgreSQL keeps ``customs_ledgerline`` range-partitioned by ``month`` (YYYYMM): one partition
``customs_ledgerline_pYYYYMM`` per month, holding the months [YYYYMM, next month), plus
``customs_ledgerline_default`` for a month without one. ``ensure_partitions`` creates the
partitions of coming months (``ddt customs partitions``) and gives a month whose lines went to
the default partition its own, moving those lines. Other databases keep a plain table: every
function here does nothing there. See docs/customs-ledger.md, "Partitions by month"."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

TABLE = "customs_ledgerline"
DEFAULT = f"{TABLE}_default"


def next_month(month: int) -> int:
    return month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1


def month_of(day: dt.date) -> int:
    return day.year * 100 + day.month


def months_between(first: int, last: int) -> list[int]:
    """The months ``first`` … ``last`` (YYYYMM, both included)."""
    out, month = [], first
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


def add_months(month: int, n: int) -> int:
    index = (month // 100) * 12 + month % 100 - 1 + n
    return (index // 12) * 100 + index % 12 + 1


def partition_name(month: int) -> str:
    return f"{TABLE}_p{month}"


def is_partitioned() -> bool:
    """Whether the ledger line table is partitioned here (PostgreSQL after migration 0009)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cursor.fetchone() is not None


def partitions() -> dict[str, tuple[int, int] | None]:
    """Every partition's name and its month range [from, to) (None for the default)."""
    if not is_partitioned():
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        rows = cursor.fetchall()
    out: dict[str, tuple[int, int] | None] = {}
    for name, bound in rows:
        if bound == "DEFAULT":
            out[name] = None
            continue
        # "FOR VALUES FROM (202401) TO (202402)"
        low, high = (int(part.split(")")[0]) for part in bound.split("(")[1:3])
        out[name] = (low, high)
    return out


def ensure_partitions(*, first: int, last: int) -> list[int]:
    """Create the partitions of the months ``first`` … ``last`` that have none, and of every
    month whose lines are in the default partition; returns the months created.

    A new month's lines may sit in the default partition (ingested before its partition
    existed); PostgreSQL refuses to attach a partition whose range the default still holds, so
    those lines are moved into the new table first, in the same transaction, which is then
    attached (the attach scans the default partition once more, under a lock that blocks writes
    to the ledger for that moment)."""
    if not is_partitioned():
        return []
    covered = {bounds[0] for bounds in partitions().values() if bounds is not None}
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT month FROM {qn(DEFAULT)} "  # noqa: S608 - our own names
            "WHERE month BETWEEN 190001 AND 999912 AND month % 100 BETWEEN 1 AND 12"
        )
        stranded = {row[0] for row in cursor.fetchall()}
    wanted = sorted((set(months_between(first, last)) | stranded) - covered)
    for month in wanted:
        name = qn(partition_name(month))
        with transaction.atomic(), connection.cursor() as cursor:
            if month not in stranded:
                cursor.execute(
                    f"CREATE TABLE {name} PARTITION OF {qn(TABLE)} "
                    f"FOR VALUES FROM ({month}) TO ({next_month(month)})"
                )
                continue
            cursor.execute(
                f"CREATE TABLE {name} (LIKE {qn(TABLE)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                f"WITH moved AS (DELETE FROM {qn(DEFAULT)} WHERE month = %s RETURNING *) "  # noqa: S608 - our own names
                f"INSERT INTO {name} SELECT * FROM moved",
                [month],
            )
            cursor.execute(
                f"ALTER TABLE {qn(TABLE)} ATTACH PARTITION {name} "
                f"FOR VALUES FROM ({month}) TO ({next_month(month)})"
            )
    return wanted
