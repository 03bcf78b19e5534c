"""Writes of the customs app: ingest runs, uploads, code mapping, exchange rates.

Services take keyword-only arguments, run in a transaction where they change data and write
their audit entry. The ingestion itself commits chunk by chunk (see ``customs.ingest``) so that
progress is visible and memory stays flat; the run's audit entry is written when it ends.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from customs import ledger, selectors
from customs.ingest import Ingestor
from customs.models import (
    CustomsCodeMapping,
    Declaration,
    ExchangeRate,
    IngestRun,
    LedgerAggregate,
    LedgerLine,
    RunSource,
    RunStatus,
)
from customs.rates import month_of, to_fen
from customs.sources import Plan, max_file_bytes, plan_paths, plan_storage

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from enterprises.models import Enterprise

UPLOAD_DIR = "customs/uploads"
ALLOWED_SUFFIXES = (".xml", ".zip")


def max_upload_bytes() -> int:
    from customs.sources import _limit

    return _limit("DDT_CUSTOMS_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)


def _finish(run: IngestRun, actor: User | None) -> None:
    audit_record(
        actor=actor,
        action="customs.ingest",
        obj=run,
        after={
            "status": run.status,
            "files": run.files_total,
            "files_rejected": run.files_rejected,
            "messages": run.messages,
            "new": run.new,
            "duplicates": run.duplicates,
            "rejected": run.rejected,
            "lines": run.lines,
            "released": run.released,
            "retail_breaches": run.retail_breaches,
        },
    )


def run_plan(
    *,
    run: IngestRun,
    plan: Plan,
    on_progress: Callable[[IngestRun], None] | None = None,
    chunk_lines: int | None = None,
) -> IngestRun:
    """Process ``plan`` into ``run`` (the engine); writes the run's audit entry at the end."""
    kwargs: dict[str, Any] = {"on_progress": on_progress}
    if chunk_lines:
        kwargs["chunk_lines"] = chunk_lines
    try:
        Ingestor(run, **kwargs).process(plan)
    finally:
        _finish(run, run.actor)
    return run


def ingest_paths(
    *,
    actor: User | None,
    paths: Sequence[Path],
    source: str = RunSource.CLI,
    on_progress: Callable[[IngestRun], None] | None = None,
    chunk_lines: int | None = None,
) -> IngestRun:
    """Ingest XML files, folders and .zip batches from disk (``ddt customs ingest``)."""
    run = IngestRun.objects.create(
        source=source, actor=actor, uploads=[str(p) for p in paths][:100]
    )
    return run_plan(
        run=run, plan=plan_paths(list(paths)), on_progress=on_progress, chunk_lines=chunk_lines
    )


def _check_upload(upload: UploadedFile) -> str:
    name = PurePosixPath((upload.name or "").replace("\\", "/")).name
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError({"files": [_("只接受 .xml 或 .zip 文件：%(n)s") % {"n": name}]})
    limit = max_upload_bytes() if name.lower().endswith(".zip") else max_file_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {"files": [_("文件 %(n)s 超过大小上限 %(m)d MB。") % {"n": name, "m": limit // 2**20}]}
        )
    return name


@transaction.atomic
def ingest_upload(
    *, actor: User, files: Sequence[UploadedFile], source: str = RunSource.WEB
) -> IngestRun:
    """Store uploaded message files and queue their ingestion as a background task."""
    if not selectors.can_upload(actor):
        raise PermissionDenied(_("无权上传海关报文。"))
    if not files:
        raise ValidationError({"files": [_("请选择要上传的文件。")]})
    names = [_check_upload(upload) for upload in files]
    enterprise = actor.enterprise if actor.is_enterprise_user else None
    county = enterprise.county if enterprise is not None else actor.county
    run = IngestRun.objects.create(
        source=source, actor=actor, enterprise=enterprise, county=county, status=RunStatus.QUEUED
    )
    stored = []
    folder = f"{UPLOAD_DIR}/{dt.date.today():%Y/%m}/{run.pk}-{uuid.uuid4().hex[:8]}"
    for upload, name in zip(files, names, strict=True):
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-100:]
        stored.append(default_storage.save(f"{folder}/{safe}", upload))
    run.uploads = stored
    run.save(update_fields=["uploads"])
    audit_record(
        actor=actor, action="customs.upload", obj=run, after={"files": names, "source": source}
    )
    from customs.tasks import ingest_run_task

    run_id = run.pk
    transaction.on_commit(lambda: ingest_run_task.enqueue(run_id))
    return run


def ingest_stored_run(*, run_id: int) -> IngestRun:
    """Body of the background task: ingest the files stored for ``run_id``."""
    run = IngestRun.objects.select_related("actor").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return run
    plan = plan_storage(list(run.uploads), storage=default_storage)
    return run_plan(run=run, plan=plan)


@transaction.atomic
def customs_code_map(*, actor: User, code: str, enterprise: Enterprise) -> CustomsCodeMapping:
    """Map an unknown customs code of the messages to an enterprise (officers), and re-attribute
    its declarations, ledger lines and aggregate rows."""
    if not selectors.can_map_codes(actor, enterprise):
        raise PermissionDenied(_("无权对应海关代码。"))
    code = (code or "").strip()
    if not code or not Declaration.objects.filter(ebc_code=code).exists():
        raise ValidationError({"code": [_("海关代码“%(c)s”不在报文数据中。") % {"c": code}]})
    existing = CustomsCodeMapping.objects.filter(code=code).first()
    before = {"enterprise": existing.enterprise_id} if existing else None
    if existing and existing.enterprise_id != enterprise.pk and not selectors.is_city(actor):
        raise PermissionDenied(_("该代码已对应其他企业，只有市级可以更改。"))
    mapping, _created = CustomsCodeMapping.objects.update_or_create(
        code=code, defaults={"enterprise": enterprise, "created_by": actor}
    )
    target = {"enterprise_id": enterprise.pk, "county_id": enterprise.county_id}
    Declaration.objects.filter(ebc_code=code).update(**target)
    LedgerLine.objects.filter(declaration__ebc_code=code).update(**target)  # (indexed path)
    LedgerAggregate.objects.filter(ebc_code=code).update(**target)
    audit_record(
        actor=actor,
        action="customs.code_map",
        obj=mapping,
        before=before,
        after={"code": code, "enterprise": enterprise.pk},
    )
    return mapping


@transaction.atomic
def exchange_rate_set(
    *, actor: User | None, currency: str, month: int, rate: Decimal, source: str = ""
) -> ExchangeRate:
    """Set one monthly rate (administrators) and recompute that month's CNY amounts exactly."""
    if actor is not None and not selectors.can_manage_rates(actor):
        raise PermissionDenied(_("只有管理员可以维护汇率。"))
    if rate is None or rate <= 0:
        raise ValidationError({"rate": [_("汇率必须大于 0。")]})
    if len(currency) != 3 or not 1 <= month % 100 <= 12:
        raise ValidationError({"month": [_("币制或月份无效。")]})
    existing = ExchangeRate.objects.filter(currency=currency, month=month).first()
    before = {"rate": str(existing.rate)} if existing else None
    obj, _created = ExchangeRate.objects.update_or_create(
        currency=currency,
        month=month,
        defaults={"rate": rate, "is_reference": False, "source": source, "updated_by": actor},
    )
    changed: dict[int, int] = {}
    lines = LedgerLine.objects.filter(currency=currency, month=month).only(
        "pk", "amount", "amount_cny_fen", "declaration_id"
    )
    batch = []
    for line in lines.iterator(chunk_size=2000):
        fen = to_fen(line.amount, rate)
        changed[line.declaration_id] = (
            changed.get(line.declaration_id, 0) + fen - line.amount_cny_fen
        )
        line.amount_cny_fen = fen
        line.rate = rate
        batch.append(line)
    LedgerLine.objects.bulk_update(batch, ["amount_cny_fen", "rate"], batch_size=1000)
    for declaration_id, delta in changed.items():
        if delta:
            declaration = Declaration.objects.get(pk=declaration_id)
            declaration.total_cny_fen += delta
            declaration.save(update_fields=["total_cny_fen"])
    ledger.rebuild_months([month])
    audit_record(
        actor=actor,
        action="customs.rate_set",
        obj=obj,
        before=before,
        after={"currency": currency, "month": month, "rate": str(rate), "lines": len(batch)},
    )
    return obj


def month_from_date(value: dt.date) -> int:
    return month_of(value)
