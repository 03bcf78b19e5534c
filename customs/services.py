"""Writes of the customs app: ingest runs, uploads, code mapping, exchange rates.

Services take keyword-only arguments, run in a transaction where they change data and write
their audit entry. The ingestion itself commits chunk by chunk (see
``customs.ingestion.engine``) so that progress is visible and memory stays flat; the run's audit
entry is written when it ends.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from customs import ledger, selectors
from customs.ingestion.engine import Ingestor
from customs.models import (
    CustomsCodeMapping,
    Declaration,
    ExchangeRate,
    IngestRun,
    LedgerAggregate,
    LedgerLine,
    MessageOrigin,
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
            "origin": run.origin,
            # Per enterprise (or unmapped code): declarations stored, released, released CNY.
            "enterprises": run.touched,
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


# A running run whose heartbeat is older than this is taken as abandoned even when its process
# cannot be checked (another host). The heartbeat moves at least every few seconds while a run
# works (progress, every chunk); a fold of a very large batch is the longest pause.
STALE_SECONDS = 600


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def fail_abandoned_runs() -> list[int]:
    """Mark failed the runs left "running" by a process that is gone (killed mid-run): on this
    host when their process no longer exists, anywhere when their heartbeat is older than
    ``STALE_SECONDS``. Called when a run starts and when the background worker or the command
    starts. Their committed chunks stay (and their marked releases are folded by the next run);
    ``ingest_resume`` ingests their files again, which stores only what is missing."""
    host = socket.gethostname()[:100]
    stale = timezone.now() - dt.timedelta(seconds=STALE_SECONDS)
    failed = []
    for run in IngestRun.objects.filter(status=RunStatus.RUNNING).only(
        "pk", "host", "pid", "heartbeat_at", "started_at", "errors"
    ):
        beat = run.heartbeat_at or run.started_at
        gone = run.host == host and run.pid is not None and not _process_alive(run.pid)
        if not gone and beat is not None and beat >= stale:
            continue
        changed = IngestRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            current_file="",
            errors=[
                *run.errors,
                {
                    "file": "",
                    "error": "导入进程已中断（进程不存在或心跳超时），可续传 / the "
                    "ingesting process is gone; resume the run",
                },
            ],
        )
        if changed:
            failed.append(run.pk)
            audit_record(
                actor=None,
                action="customs.ingest_abandoned",
                obj=run,
                after={"status": RunStatus.FAILED, "pid": run.pid, "host": run.host},
            )
    return failed


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
    fail_abandoned_runs()
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
    """Ingest XML files, folders and .zip batches from disk (``ddt customs ingest``, the demo).

    Files on the server's disk are the customs data-exchange channel: the single window's
    messages as customs delivers them, loaded by the city or a system account."""
    run = IngestRun.objects.create(
        source=source,
        actor=actor,
        origin=MessageOrigin.CHANNEL,
        uploads=[str(p) for p in paths][:100],
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


def upload_origin(actor: User, *, channel: bool) -> str:
    """The origin of an upload by ``actor``: the customs channel only for a city reviewer or
    administrator who declares the files to be the channel's (PermissionDenied for anyone
    else asking for it)."""
    if channel:
        if not selectors.can_upload_channel(actor):
            raise PermissionDenied(_("只有市级审核人员或管理员可以按海关数据通道导入。"))
        return MessageOrigin.CHANNEL
    if actor.is_enterprise_user:
        return MessageOrigin.ENTERPRISE
    if selectors.is_city(actor):
        return MessageOrigin.CITY
    return MessageOrigin.COUNTY


@transaction.atomic
def ingest_upload(
    *,
    actor: User,
    files: Sequence[UploadedFile],
    source: str = RunSource.WEB,
    channel: bool = False,
    on_behalf_of: Enterprise | None = None,
) -> IngestRun:
    """Store uploaded message files and queue their ingestion as a background task.

    ``channel``: the files are the customs data-exchange channel's (city reviewers and
    administrators only); its receipts release declarations. Any other upload may hold only
    declarations of the enterprises the uploader speaks for (``ingestion.trust.refusal``).

    ``on_behalf_of``: a service platform uploads for an enterprise that authorised it
    (docs/mandates.md): refused without an active mandate with the customs scope; the run is
    then the enterprise's own upload (origin ``enterprise``, its enterprise and county, the
    same trust check), its ``actor`` the platform user, and the act is recorded under the
    mandate."""
    mandate = None
    if on_behalf_of is not None:
        from mandates.models import MandateScope
        from mandates.services import mandate_require

        if channel:
            raise PermissionDenied(_("只有市级审核人员或管理员可以按海关数据通道导入。"))
        mandate = mandate_require(
            actor=actor, enterprise=on_behalf_of, scope=MandateScope.CUSTOMS_UPLOAD
        )
        origin = str(MessageOrigin.ENTERPRISE)
    else:
        if not selectors.can_upload(actor):
            raise PermissionDenied(_("无权上传海关报文。"))
        origin = upload_origin(actor, channel=channel)
    if not files:
        raise ValidationError({"files": [_("请选择要上传的文件。")]})
    names = [_check_upload(upload) for upload in files]
    if on_behalf_of is not None:
        enterprise: Enterprise | None = on_behalf_of
    else:
        enterprise = actor.enterprise if actor.is_enterprise_user else None
    county = enterprise.county if enterprise is not None else actor.county
    run = IngestRun.objects.create(
        source=source,
        origin=origin,
        actor=actor,
        enterprise=enterprise,
        county=county,
        status=RunStatus.QUEUED,
    )
    stored = []
    folder = f"{UPLOAD_DIR}/{dt.date.today():%Y/%m}/{run.pk}-{uuid.uuid4().hex[:8]}"
    for upload, name in zip(files, names, strict=True):
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-100:]
        stored.append(default_storage.save(f"{folder}/{safe}", upload))
    run.uploads = stored
    run.save(update_fields=["uploads"])
    audit_record(
        actor=actor,
        action="customs.upload",
        obj=run,
        after={
            "files": names,
            "source": source,
            "origin": origin,
            **({"on_behalf_of": enterprise.pk} if mandate is not None and enterprise else {}),
        },
    )
    if mandate is not None:
        from mandates.models import MandateScope
        from mandates.services import mandate_act

        mandate_act(
            actor=actor,
            mandate=mandate,
            scope=MandateScope.CUSTOMS_UPLOAD,
            what=_("代为上传海关报文 %(n)d 个文件（导入批次 #%(r)s）")
            % {"n": len(names), "r": run.pk},
            obj=run,
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


def ingest_resume(
    *, actor: User | None, run: IngestRun, on_progress: Callable[[IngestRun], None] | None = None
) -> IngestRun:
    """Ingest the files of a failed run again, as a new run with the same uploader and origin
    (``resumed_from``). Ingestion is idempotent: what the failed run committed is counted as
    duplicates, the rest is stored. Uploads are queued for the background worker; a command-line
    run (``actor`` None, ``ddt customs ingest --resume``) is ingested here from its paths."""
    fail_abandoned_runs()
    run.refresh_from_db()
    if run.status != RunStatus.FAILED:
        raise ValidationError({"run": [_("只有失败的导入批次可以续传。")]})
    if actor is not None:
        if selectors.run_list_for(user=actor).filter(pk=run.pk).first() is None:
            raise PermissionDenied(_("无权续传该导入批次。"))
        if run.source in (RunSource.CLI, RunSource.DEMO):
            raise PermissionDenied(_("命令行导入的批次只能在命令行续传。"))
        if run.is_channel and not selectors.can_upload_channel(actor):
            raise PermissionDenied(_("无权续传海关数据通道的导入批次。"))
        if not run.is_channel and actor != run.actor:
            raise PermissionDenied(_("只有上传人可以续传该导入批次。"))
    resumed = IngestRun.objects.create(
        source=run.source,
        origin=run.origin,
        actor=run.actor,
        enterprise=run.enterprise,
        county=run.county,
        uploads=run.uploads,
        resumed_from=run,
        status=RunStatus.QUEUED,
    )
    audit_record(
        actor=actor,
        action="customs.resume",
        obj=resumed,
        after={"resumed_from": run.pk, "origin": run.origin},
    )
    if run.source in (RunSource.CLI, RunSource.DEMO):
        plan = plan_paths([Path(p) for p in run.uploads])
        return run_plan(run=resumed, plan=plan, on_progress=on_progress)
    from customs.tasks import ingest_run_task

    run_id = resumed.pk
    transaction.on_commit(lambda: ingest_run_task.enqueue(run_id))
    return resumed


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
    # Filtered by the month too: on PostgreSQL the update then reads that month's partition only.
    LedgerLine.objects.filter(month=month).bulk_update(
        batch, ["amount_cny_fen", "rate"], batch_size=1000
    )
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
