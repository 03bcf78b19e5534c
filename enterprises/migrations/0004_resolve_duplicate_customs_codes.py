"""Before the customs code becomes unique: resolve codes shared by enterprises not deregistered.

Among the enterprises sharing a code, one keeps it: an active one before a pending or suspended
one, then the earliest registered. Every other one loses the code (so it no longer receives that
code's customs data) and gets a pending change request asking for it back, which its county
officer sees and decides like any other request (approval is refused while the keeper holds it).
Nothing is deleted, so the migration is safe to run on any data and to reverse.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

REASON = "迁移：该海关注册编码与其他企业重复，已暂停使用，待县区核验"


def resolve(apps: Any, schema_editor: Any) -> None:
    Enterprise = apps.get_model("enterprises", "Enterprise")
    ChangeRequest = apps.get_model("enterprises", "EnterpriseChangeRequest")
    rows = (
        Enterprise.objects.exclude(customs_code="")
        .exclude(status="deregistered")
        .order_by("customs_code", "pk")
        .values_list("pk", "customs_code", "status", "created_at")
    )
    by_code: dict[str, list[tuple[int, str, Any]]] = {}
    for pk, code, status, created in rows:
        by_code.setdefault(code, []).append((pk, status, created))
    for code, holders in by_code.items():
        if len(holders) < 2:
            continue
        holders.sort(key=lambda h: (h[1] != "active", h[2], h[0]))
        for pk, _status, _created in holders[1:]:
            Enterprise.objects.filter(pk=pk).update(customs_code="", customs_code_source="declared")
            ChangeRequest.objects.filter(
                enterprise_id=pk, field="customs_code", status="pending"
            ).update(status="withdrawn", reason=REASON)
            ChangeRequest.objects.create(
                enterprise_id=pk,
                field="customs_code",
                old_value="",
                new_value=code,
                status="pending",
                reason=REASON,
            )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_fact_sources_and_change_requests")]

    operations = [migrations.RunPython(resolve, migrations.RunPython.noop)]
