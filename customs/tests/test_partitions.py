"""PostgreSQL keeps the ledger lines range-partitioned by month (migration 0009,
``customs.partitions``): the partitions exist, a line lands in its month's partition, a query
by month reads one partition, the ledger's uniqueness holds across partitions, ``ddt customs
partitions`` creates the coming months (and moves a month out of the default partition), and
the migration keeps existing rows both ways. SQLite keeps a plain table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from customs import partitions
from customs.models import Declaration, LedgerLine
from customs.services import exchange_rate_set, ingest_paths
from customs.stats import direct_total_fen

from .conftest import CODE_A, inventory, line, receipt

postgres = pytest.mark.postgres
LATE_2028 = dt.datetime(2028, 11, 20, 4, 0, tzinfo=dt.UTC)


def _where(line_pk: int) -> str:
    """The partition holding the line ``line_pk``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM customs_ledgerline WHERE id = %s", [line_pk]
        )
        return str(cursor.fetchone()[0])


def _declaration(cop_no: str, day: dt.date) -> Declaration:
    return Declaration.objects.create(
        message_type="CEB603",
        direction="export",
        cop_no=cop_no,
        ebc_code=CODE_A,
        trade_mode="9610",
        declared_on=day,
    )


def _line(declaration: Declaration, line_no: int = 1, *, month: int | None = None) -> LedgerLine:
    day = declaration.declared_on
    return LedgerLine.objects.create(
        declaration=declaration,
        line_no=line_no,
        ebc_code=declaration.ebc_code,
        mode="9610",
        direction="export",
        date=day,
        month=month if month is not None else day.year * 100 + day.month,
        country="502",
        hs_code="7117190000",
        goods_name="水晶手链",
        unit="011",
        quantity=1,
        unit_price=10,
        currency="142",
        amount=10,
        rate=1,
        amount_cny_fen=1000,
    )


@postgres
@pytest.mark.django_db
def test_the_months_2024_to_2028_and_a_default_partition_exist() -> None:
    assert partitions.is_partitioned()
    known = partitions.partitions()
    months = sorted(bounds[0] for bounds in known.values() if bounds is not None)
    assert set(partitions.months_between(202401, 202812)) <= set(months)
    assert known["customs_ledgerline_p202402"] == (202402, 202403)
    assert known["customs_ledgerline_p202412"] == (202412, 202501)
    assert known[partitions.DEFAULT] is None


@postgres
@pytest.mark.django_db
def test_ingested_lines_land_in_their_months_partition(world: Any, write: Any) -> None:
    path = write(
        "d.xml",
        inventories=[
            inventory("P1", day=dt.date(2025, 3, 15), lines=[line(), line("3")]),
            inventory("P2", day=dt.date(2026, 11, 30)),
        ],
    )
    rec = write("r.xml", receipts=[receipt("P1"), receipt("P2")])
    run = ingest_paths(actor=None, paths=[path, rec])
    assert run.released == 2
    where = {
        (ln.declaration.cop_no, ln.line_no): _where(ln.pk)
        for ln in LedgerLine.objects.select_related("declaration")
    }
    assert where == {
        ("P1", 1): "customs_ledgerline_p202503",
        ("P1", 2): "customs_ledgerline_p202503",
        ("P2", 1): "customs_ledgerline_p202611",
    }
    # The ORM reads, updates and deletes the lines as before (Django's id is still the key).
    first = LedgerLine.objects.get(declaration__cop_no="P2")
    LedgerLine.objects.filter(pk=first.pk).update(goods_name="改名")
    assert LedgerLine.objects.get(pk=first.pk).goods_name == "改名"
    assert direct_total_fen(year=2025) > 0


@postgres
@pytest.mark.django_db
def test_a_query_by_month_reads_one_partition() -> None:
    plan = LedgerLine.objects.filter(month=202503).explain()
    assert "customs_ledgerline_p202503" in plan
    assert "customs_ledgerline_p202504" not in plan
    assert "customs_ledgerline_default" not in plan
    year = LedgerLine.objects.filter(month__gte=202501, month__lte=202512).explain()
    assert "customs_ledgerline_p202501" in year and "customs_ledgerline_p202512" in year
    assert "customs_ledgerline_p202412" not in year and "customs_ledgerline_p202601" not in year


@postgres
@pytest.mark.django_db
def test_a_line_is_stored_once_per_declaration_and_line_number() -> None:
    declaration = _declaration("U1", dt.date(2025, 3, 15))
    _line(declaration, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _line(declaration, 1)  # same month: the unique (declaration, line_no, month) refuses it
    # Another month would be another partition, where the unique index cannot see the first
    # line: the trigger refuses any line whose month is not its declaration's.
    with pytest.raises(IntegrityError, match="month"), transaction.atomic():
        _line(declaration, 1, month=202504)
    with pytest.raises(IntegrityError, match="month"), transaction.atomic():
        _line(declaration, 2, month=202601)
    other = _line(declaration, 2)
    with pytest.raises(IntegrityError, match="month"), transaction.atomic():
        LedgerLine.objects.filter(pk=other.pk).update(month=202504)
    assert sorted(LedgerLine.objects.values_list("line_no", "month")) == [(1, 202503), (2, 202503)]
    # The declaration page reads its lines in the declaration's month: one partition.
    assert [ln.line_no for ln in declaration.month_lines()] == [1, 2]
    plan = declaration.month_lines().explain()
    assert "customs_ledgerline_p202503" in plan and "customs_ledgerline_p202504" not in plan


@postgres
@pytest.mark.django_db
def test_the_fold_and_a_rate_change_read_the_months_partitions(world: Any, write: Any) -> None:
    days = [dt.date(2025, 1, 5), dt.date(2025, 2, 5), dt.date(2025, 12, 31)]
    path = write(
        "d.xml",
        inventories=[
            inventory(f"F{n}", day=day, lines=[line(currency="502")]) for n, day in enumerate(days)
        ],
    )
    rec = write("r.xml", receipts=[receipt(f"F{n}") for n in range(3)])
    ingest_paths(actor=None, paths=[path, rec])
    from customs.models import LedgerAggregate

    def aggregate() -> dict[int, int]:
        return dict(LedgerAggregate.objects.values_list("month", "amount_cny_fen"))

    assert set(aggregate()) == {202501, 202502, 202512}
    assert sum(aggregate().values()) == direct_total_fen(year=2025)
    exchange_rate_set(actor=None, currency="502", month=202502, rate=Decimal("10"))
    assert aggregate()[202502] == 20_000  # 2 × 10.00 USD at 10, in fen
    assert sum(aggregate().values()) == direct_total_fen(year=2025)


@postgres
@pytest.mark.django_db
def test_the_command_creates_coming_months_and_moves_a_month_out_of_the_default() -> None:
    far = _declaration("C1", dt.date(2031, 5, 10))
    stranded = _line(far, 1)
    assert _where(stranded.pk) == partitions.DEFAULT
    out = StringIO()
    with time_machine.travel(LATE_2028, tick=False):
        call_command("customs_partitions", "--months", "3", stdout=out)
    text = out.getvalue()
    for month in (202901, 202902, 203105):
        assert f"created customs_ledgerline_p{month}" in text
    assert "customs_ledgerline_p202812" not in text  # existed already
    assert _where(stranded.pk) == "customs_ledgerline_p203105"  # moved, same id
    assert LedgerLine.objects.filter(month=203105).count() == 1
    # Run again: nothing to do; the new partitions enforce the keys like the others.
    out = StringIO()
    with time_machine.travel(LATE_2028, tick=False):
        call_command("customs_partitions", "--months", "3", stdout=out)
    assert out.getvalue().startswith("0 created")
    with pytest.raises(IntegrityError), transaction.atomic():
        _line(far, 1)
    assert "customs_ledgerline_p203105" in LedgerLine.objects.filter(month=203105).explain()


BEFORE = [("customs", "0008_declaration_key_enterprise")]
AFTER = [("customs", "0009_ledger_partitioned_by_month")]


@postgres
@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_existing_lines_into_partitions_and_back() -> None:
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        assert not partitions.is_partitioned()
        apps = executor.loader.project_state(BEFORE).apps
        Decl = apps.get_model("customs", "Declaration")
        Line = apps.get_model("customs", "LedgerLine")
        common = {"message_type": "CEB603", "direction": "export", "trade_mode": "9610"}
        values = {
            "ebc_code": CODE_A, "mode": "9610", "direction": "export", "country": "502",
            "hs_code": "1", "goods_name": "x", "unit": "011", "quantity": 1, "unit_price": 1,
            "currency": "142", "amount": 1, "rate": 1, "amount_cny_fen": 100,
        }  # fmt: skip
        rows = {}
        for n, day in enumerate([dt.date(2024, 1, 31), dt.date(2026, 7, 1), dt.date(2019, 3, 3)]):
            d = Decl.objects.create(cop_no=f"M{n}", ebc_code=CODE_A, declared_on=day, **common)
            for no in (1, 2):
                ln = Line.objects.create(
                    declaration=d, line_no=no, date=day, month=day.year * 100 + day.month, **values
                )
                rows[ln.pk] = (d.pk, no, ln.month)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        assert partitions.is_partitioned()
        after = {
            pk: (d, no, m)
            for pk, d, no, m in LedgerLine.objects.values_list(
                "pk", "declaration_id", "line_no", "month"
            )
        }
        assert after == rows
        assert {_where(pk) for pk, row in rows.items() if row[2] == 201903} == {
            "customs_ledgerline_p201903"  # a month present in the data gets its partition
        }
        assert {_where(pk) for pk, row in rows.items() if row[2] == 202607} == {
            "customs_ledgerline_p202607"
        }
        newer = _line(Declaration.objects.get(cop_no="M1"), 3)
        assert newer.pk > max(rows)  # the id sequence goes on after the copied rows

        executor = MigrationExecutor(connection)  # and back: a plain table with every row
        executor.migrate(BEFORE)
        assert not partitions.is_partitioned()
        apps = executor.loader.project_state(BEFORE).apps
        Line = apps.get_model("customs", "LedgerLine")
        assert Line.objects.count() == len(rows) + 1
        assert Line.objects.get(pk=newer.pk).line_no == 3
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_sqlite_keeps_a_plain_table() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert not partitions.is_partitioned()
    assert partitions.ensure_partitions(first=202401, last=203012) == []
    out = StringIO()
    call_command("customs_partitions", stdout=out)
    assert "plain table" in out.getvalue()


def test_month_arithmetic() -> None:
    assert partitions.next_month(202412) == 202501
    assert partitions.add_months(202811, 3) == 202902
    assert partitions.add_months(202401, -1) == 202312
    assert partitions.months_between(202411, 202502) == [202411, 202412, 202501, 202502]
