"""copNo (企业内部编号) is unique only within the enterprise that declares it: a declaration is
stored once per (message type, e-commerce enterprise code, copNo) and a receipt releases only the
declaration of its own ``ebcCode``.

Each test fails on the code that keyed declarations and matched receipts by copNo alone: there,
enterprise A's upload under B's copNo made B's channel declaration a "duplicate" (dropped) and
the channel's release receipt for B released A's invented declaration.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from customs.ingestion.building import build_inventories
from customs.ingestion.parsing import read_message
from customs.models import Declaration, IngestRun, LedgerAggregate, LedgerLine, Receipt
from customs.services import ingest_paths, ingest_stored_run, ingest_upload
from customs.stats import cbec_trade, customs_stats

from .conftest import CODE_A, CODE_B, inventory, line, receipt

pytestmark = pytest.mark.urls("customs.tests.urls")


def _upload(user: Any, name: str, data: bytes) -> IngestRun:
    run = ingest_upload(
        actor=user, files=[SimpleUploadedFile(name, data, content_type="text/xml")], channel=False
    )
    return ingest_stored_run(run_id=run.pk)


def _state() -> list[tuple[str, str, bool, str, int]]:
    return sorted(
        Declaration.objects.values_list("cop_no", "ebc_code", "released", "status", "lines_count")
    )


def test_squatted_copno_does_not_drop_the_real_declaration_nor_take_its_release(
    world: Any, write: Any
) -> None:
    # A uploads, for its own code, an inventory under the copNo B will declare (invented trade).
    squat = _upload(
        world.user_a,
        "squat.xml",
        build_inventories("export", [inventory("B-0001", code=CODE_A, lines=[line("900", "99")])]),
    )
    assert (squat.files_rejected, squat.new) == (0, 1)
    invented = Declaration.objects.get(ebc_code=CODE_A)

    # B's real inventory and its release arrive through the customs channel.
    real = ingest_paths(
        actor=None,
        paths=[
            write("b.xml", inventories=[inventory("B-0001", code=CODE_B, lines=[line("3", "10")])]),
            write("r.xml", receipts=[receipt("B-0001", "800", code=CODE_B)]),
        ],
    )
    assert (real.files_rejected, real.duplicates, real.released) == (0, 0, 1)
    assert _state() == [
        ("B-0001", CODE_A, False, "", 1),  # A's stays self-declared, untouched by B's receipt
        ("B-0001", CODE_B, True, "800", 1),  # B's is stored and released
    ]
    b_declaration = Declaration.objects.get(ebc_code=CODE_B)
    assert b_declaration.enterprise == world.b
    assert Receipt.objects.get().declaration == b_declaration
    assert LedgerLine.objects.filter(declaration=b_declaration).count() == 1
    # Only B's trade counts; A's invented trade counts nowhere.
    assert cbec_trade(world.a, 2025) == Decimal("0.00")
    assert cbec_trade(world.b, 2025) == b_declaration.total_cny > 0
    assert Decimal(customs_stats(year=2025)["total_cny"]) == b_declaration.total_cny
    assert set(LedgerAggregate.objects.values_list("ebc_code", flat=True)) == {CODE_B}
    invented.refresh_from_db()
    assert not invented.released and invented.receipts.count() == 0


def test_receipt_naming_another_enterprise_does_not_release(world: Any, write: Any) -> None:
    ingest_paths(actor=None, paths=[write("a.xml", inventories=[inventory("C7", code=CODE_A)])])
    run = ingest_paths(
        actor=None, paths=[write("r.xml", receipts=[receipt("C7", "800", code=CODE_B)])]
    )
    assert (run.new, run.receipts_matched, run.released) == (1, 0, 0)
    assert _state() == [("C7", CODE_A, False, "", 1)]
    stored = Receipt.objects.get()
    assert stored.declaration is None and stored.ebc_code == CODE_B
    assert cbec_trade(world.a, 2025) == Decimal("0.00")
    assert LedgerAggregate.objects.count() == 0


def test_waiting_receipt_releases_only_its_own_enterprises_declaration(
    world: Any, write: Any
) -> None:
    # B's release receipt arrives before B's declaration; A then squats the copNo by upload.
    ingest_paths(actor=None, paths=[write("r.xml", receipts=[receipt("E1", "800", code=CODE_B)])])
    _upload(world.user_a, "squat.xml", build_inventories("export", [inventory("E1", code=CODE_A)]))
    assert _state() == [("E1", CODE_A, False, "", 1)]
    assert Receipt.objects.get().declaration is None
    run = ingest_paths(
        actor=None, paths=[write("b.xml", inventories=[inventory("E1", code=CODE_B)])]
    )
    assert (run.new, run.receipts_matched, run.released) == (1, 1, 1)
    assert _state() == [("E1", CODE_A, False, "", 1), ("E1", CODE_B, True, "800", 1)]
    assert Receipt.objects.get().declaration == Declaration.objects.get(ebc_code=CODE_B)
    assert cbec_trade(world.a, 2025) == Decimal("0.00") < cbec_trade(world.b, 2025)


def test_same_copno_status_and_time_of_two_enterprises_are_two_receipts(
    world: Any, write: Any
) -> None:
    ingest_paths(
        actor=None,
        paths=[
            write(
                "d.xml", inventories=[inventory("S1", code=CODE_A), inventory("S1", code=CODE_B)]
            ),
            write("r.xml", receipts=[receipt("S1", code=CODE_A), receipt("S1", code=CODE_B)]),
        ],
    )
    assert _state() == [("S1", CODE_A, True, "800", 1), ("S1", CODE_B, True, "800", 1)]
    assert sorted(Receipt.objects.values_list("ebc_code", "declaration__ebc_code")) == [
        (CODE_A, CODE_A),
        (CODE_B, CODE_B),
    ]
    # Re-ingesting the same files stores nothing new.
    again = ingest_paths(
        actor=None,
        paths=[
            write("d2.xml", inventories=[inventory("S1", code=CODE_A)]),
            write("r2.xml", receipts=[receipt("S1", code=CODE_B)]),
        ],
    )
    assert (again.new, again.duplicates) == (0, 2)


def test_receipts_are_read_with_their_enterprise_code(write: Any) -> None:
    data = write("r.xml", receipts=[receipt("K1", code=CODE_B)]).read_bytes()
    (record,) = read_message(data)
    assert (record.ebc_code, record.cop_no) == (CODE_B, "K1")  # type: ignore[union-attr]
    assert record.business_key.startswith(f"{CODE_B}|K1|800|")  # type: ignore[union-attr]


BEFORE = [("customs", "0007_message_origin")]
AFTER = [("customs", "0008_declaration_key_enterprise")]


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_declarations_and_gives_linked_receipts_their_code() -> None:
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        Decl = apps.get_model("customs", "Declaration")
        Rec = apps.get_model("customs", "Receipt")
        common = {"message_type": "CEB603", "direction": "export", "trade_mode": "9610"}
        d = Decl.objects.create(cop_no="M1", ebc_code=CODE_A, declared_on="2025-03-15", **common)
        at = "2025-03-16T02:00:00+00:00"
        linked = Rec.objects.create(
            message_type="CEB604",
            declaration_type="CEB603",
            business_key="M1|800|20250316100000000",
            cop_no="M1",
            return_status="800",
            return_time=at,
            declaration=d,
        )
        waiting = Rec.objects.create(
            message_type="CEB604",
            declaration_type="CEB603",
            business_key="W1|800|20250316100000000",
            cop_no="W1",
            return_status="800",
            return_time=at,
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        Decl = apps.get_model("customs", "Declaration")
        Rec = apps.get_model("customs", "Receipt")
        assert list(Decl.objects.values_list("pk", "cop_no", "ebc_code")) == [(d.pk, "M1", CODE_A)]
        assert dict(Rec.objects.values_list("pk", "business_key")) == {
            linked.pk: f"{CODE_A}|M1|800|20250316100000000",
            waiting.pk: "W1|800|20250316100000000",
        }
        assert dict(Rec.objects.values_list("pk", "ebc_code")) == {
            linked.pk: CODE_A,
            waiting.pk: "",
        }
        # Another enterprise's declaration under the same copNo is now a second declaration.
        Decl.objects.create(cop_no="M1", ebc_code=CODE_B, declared_on="2025-03-15", **common)
        assert Decl.objects.filter(cop_no="M1").count() == 2

        executor = MigrationExecutor(connection)  # and back: the old keys return
        Decl.objects.filter(ebc_code=CODE_B).delete()
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        Rec = apps.get_model("customs", "Receipt")
        assert Rec.objects.get(pk=linked.pk).business_key == "M1|800|20250316100000000"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
