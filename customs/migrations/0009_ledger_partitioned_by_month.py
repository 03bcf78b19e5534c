"""PostgreSQL: the ledger line table becomes a table range-partitioned by ``month`` (YYYYMM),
one partition per month from 2024-01 to 2028-12 (and every other month that already holds
lines) plus a DEFAULT partition for any month without one. See docs/customs-ledger.md,
"Partitions by month".

Django's model is unchanged (``id`` stays its primary key, the unique (declaration, line_no)
stays ``customs_line_once``); only the database differs, so SQLite keeps a plain table and this
migration does nothing there. PostgreSQL requires every unique index of a partitioned table to
contain the partition key, so on PostgreSQL the primary key is (id, month) and
``customs_line_once`` is (declaration_id, line_no, month); a statement trigger refuses a line
whose month is not its declaration's, which makes the two as strict as before (all lines of a
declaration fall in one month, so no (declaration, line_no) can repeat in two partitions).

Existing rows are copied into the partitions in the migration's transaction (the table is locked
meanwhile: about a minute per ten million lines on the benchmark host). Reversible: backwards
copies them into a plain table again.

Self-contained on purpose (no import of ``customs.partitions``, which may change later)."""

from typing import Any

from django.db import migrations

TABLE = "customs_ledgerline"
FIRST = 202401
LAST = 202812

# Refuses (as a unique violation, like the constraint it completes) any inserted or updated line
# whose month is not the month of its declaration's date. Statement level with a transition
# table: one check per COPY / INSERT / UPDATE statement, one primary-key probe per distinct
# declaration of the statement's rows.
CHECK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TABLE}_month_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad bigint;
BEGIN
    SELECT n.declaration_id INTO bad
    FROM (SELECT DISTINCT declaration_id, month FROM changed_lines) AS n
    JOIN customs_declaration AS d ON d.id = n.declaration_id
    WHERE n.month <> (EXTRACT(YEAR FROM d.declared_on)::int * 100
                      + EXTRACT(MONTH FROM d.declared_on)::int)
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'ledger line month differs from the month of declaration %', bad
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'customs_line_once';
    END IF;
    RETURN NULL;
END
$$
"""


def _months(first: int, last: int) -> list[int]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1
    return out


def _bounds(month: int) -> tuple[int, int]:
    following = month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1
    return month, following


def _copy_into(execute: Any, source: str, target: str) -> None:
    """Rows of ``source`` into ``target`` (same columns), then ``target``'s id sequence moved
    past them and renamed to Django's name once ``source`` is dropped."""
    execute(f"INSERT INTO {target} SELECT * FROM {source}")  # noqa: S608 - our own names
    execute(f"DROP TABLE {source} CASCADE")
    execute(
        f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), "  # noqa: S608
        f"COALESCE((SELECT MAX(id) FROM {target}), 0) + 1, false)"
    )
    execute(f"ALTER TABLE {target} RENAME TO {TABLE}")
    execute(
        "DO $$ BEGIN EXECUTE format('ALTER SEQUENCE %s RENAME TO "
        f"{TABLE}_id_seq', pg_get_serial_sequence('{TABLE}', 'id')); END $$"
    )


def _executor(schema_editor: Any) -> Any:
    def execute(sql: str) -> None:
        schema_editor.execute(sql, None)  # no parameters: "%" is literal (format, RAISE)

    return execute


def partition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = _executor(schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT month FROM {TABLE} "  # noqa: S608 - our own names
            "WHERE month BETWEEN 190001 AND 999912 AND month % 100 BETWEEN 1 AND 12"
        )
        present = {row[0] for row in cursor.fetchall()}
    execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_plain")
    execute(f"ALTER TABLE {TABLE}_plain RENAME CONSTRAINT {TABLE}_pkey TO {TABLE}_plain_pkey")
    execute(f"ALTER TABLE {TABLE}_plain RENAME CONSTRAINT customs_line_once TO {TABLE}_plain_once")
    execute(
        f"CREATE TABLE {TABLE}_part (LIKE {TABLE}_plain INCLUDING DEFAULTS "
        "INCLUDING CONSTRAINTS INCLUDING IDENTITY) PARTITION BY RANGE (month)"
    )
    for month in sorted(present | set(_months(FIRST, LAST))):
        low, high = _bounds(month)
        execute(
            f"CREATE TABLE {TABLE}_p{month} PARTITION OF {TABLE}_part "
            f"FOR VALUES FROM ({low}) TO ({high})"
        )
    execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE}_part DEFAULT")
    _copy_into(execute, f"{TABLE}_plain", f"{TABLE}_part")
    # Keys built after the copy (one sort per partition instead of one insert per row).
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, month)")
    execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT customs_line_once "
        "UNIQUE (declaration_id, line_no, month)"
    )
    execute(CHECK_FUNCTION)
    for event in ("INSERT", "UPDATE"):
        execute(
            f"CREATE TRIGGER {TABLE}_month_{event.lower()} AFTER {event} ON {TABLE} "
            f"REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {TABLE}_month_check()"
        )
    execute(f"ANALYZE {TABLE}")


def unpartition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = _executor(schema_editor)
    execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_part")
    execute(f"ALTER TABLE {TABLE}_part RENAME CONSTRAINT {TABLE}_pkey TO {TABLE}_part_pkey")
    execute(f"ALTER TABLE {TABLE}_part RENAME CONSTRAINT customs_line_once TO {TABLE}_part_once")
    execute(
        f"CREATE TABLE {TABLE}_plain (LIKE {TABLE}_part INCLUDING DEFAULTS "
        "INCLUDING CONSTRAINTS INCLUDING IDENTITY)"
    )
    _copy_into(execute, f"{TABLE}_part", f"{TABLE}_plain")
    execute(f"DROP FUNCTION IF EXISTS {TABLE}_month_check()")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
    execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT customs_line_once UNIQUE (declaration_id, line_no)"
    )


class Migration(migrations.Migration):
    dependencies = [("customs", "0008_declaration_key_enterprise")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
