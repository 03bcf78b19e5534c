"""Excel in and out for the registry: the import template, reading an import file, the export.

Reading only parses and resolves names (county, kind, belt, park); the rules live in
``services.build_enterprise`` so the UI, the import and the API validate the same way.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from codes.models import County
from core.excel import SheetError, cell_text, new_workbook, read_sheet, safe_row, workbook_bytes
from enterprises.models import Enterprise, EnterpriseKind, EnterpriseStatus, IndustryBelt, Park
from enterprises.validators import customs_code_generate, uscc_generate

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from enterprises.services import RowError

# (field, column header, required). Headers are fixed Chinese text: files are exchanged between
# offices regardless of the UI language.
COLUMNS: list[tuple[str, str, bool]] = [
    ("uscc", "统一社会信用代码", True),
    ("name", "企业名称", True),
    ("county", "所属县区", True),
    ("kind", "企业类型", True),
    ("customs_code", "海关注册编码", False),
    ("industry_belt", "所属产业带", False),
    ("park", "入驻园区", False),
    ("first_cbec_year", "首次开展跨境电商年份", False),
    ("independent_site_url", "独立站网址", False),
    ("address", "地址", False),
    ("contact_name", "联系人", False),
    ("contact_phone", "联系电话", False),
    ("contact_email", "联系邮箱", False),
]
COLUMN_LABELS = {name: label for name, label, _req in COLUMNS}
_HEADER_TO_FIELD = {label: name for name, label, _req in COLUMNS}
TEXT_COLUMNS = {"uscc", "customs_code", "contact_phone"}


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    failed_columns: set[str] = field(default_factory=set)


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _file_error(message: str) -> ParsedFile:
    from enterprises.services import RowError

    return ParsedFile(errors=[RowError(None, "", message)])


_text = cell_text


class _Lookups:
    """Name → object maps, loaded once per file."""

    def __init__(self) -> None:
        counties = list(County.objects.all())
        self.county = {c.code: c for c in counties} | {c.name: c for c in counties}
        self.kind = {k.value: k.value for k in EnterpriseKind} | {
            str(k.label): k.value for k in EnterpriseKind
        }
        self.belt = {b.name: b for b in IndustryBelt.objects.all()}
        self.park = {p.name: p for p in Park.objects.all()}

    def resolve(self, name: str, text: str) -> Any:
        """The value for the service, or raise LookupError with a Chinese message."""
        if name == "county":
            if text not in self.county:
                raise LookupError(_("县区“%(v)s”不存在（请填写县区代码或名称）。") % {"v": text})
            return self.county[text]
        if name == "kind":
            if text not in self.kind:
                raise LookupError(_("企业类型“%(v)s”无效，见“填写说明”。") % {"v": text})
            return self.kind[text]
        if name == "industry_belt":
            if text not in self.belt:
                raise LookupError(_("产业带“%(v)s”不存在。") % {"v": text})
            return self.belt[text]
        if name == "park":
            if text not in self.park:
                raise LookupError(_("园区“%(v)s”不存在。") % {"v": text})
            return self.park[text]
        if name == "first_cbec_year":
            if not text.isdigit():
                raise LookupError(_("年份“%(v)s”应为4位数字。") % {"v": text})
            return int(text)
        return text


def read_import_file(file: IO[bytes], *, filename: str = "") -> ParsedFile:
    """Parse an uploaded .xlsx; file-level problems come back as errors with row None."""
    from enterprises.services import RowError

    try:
        sheet = read_sheet(
            file,
            filename=filename,
            headers=_HEADER_TO_FIELD,
            required=[(name, label) for name, label, req in COLUMNS if req],
            missing_message=_("第1行缺少必填列：%(cols)s。请使用导入模板。"),
        )
    except SheetError as exc:
        return _file_error(str(exc))
    parsed = ParsedFile()
    lookups = _Lookups()
    for number, cells in sheet.rows:
        row = ParsedRow(number=number, values={})
        for name, value in cells.items():
            text = _text(value)
            if not text:
                continue
            try:
                row.values[name] = lookups.resolve(name, text)
            except LookupError as exc:
                row.errors.append(RowError(number, COLUMN_LABELS[name], str(exc.args[0])))
                row.failed_columns.add(COLUMN_LABELS[name])
        parsed.rows.append(row)
    return parsed


def build_template() -> bytes:
    """The import template: header row, one example row, and a sheet of allowed values."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append([f"{label}*" if req else label for _n, label, req in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    county = County.objects.first()
    rng = random.Random(20241120)
    region = county.code if county and county.official else "320722"
    sheet.append(
        [
            uscc_generate(rng, region=region),
            "示例跨境电商有限公司（导入前请删除本行）",
            county.name if county else "东海县",
            str(EnterpriseKind.MANUFACTURER.label),
            customs_code_generate(rng, area=region[:4]),
            "",
            "",
            timezone.localdate().year,
            "https://www.example.com",
            "连云港市",
            "张三",
            "0518-00000000",
            "contact@example.com",
        ]
    )
    for index, (name, _label, _req) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 24
        if name in TEXT_COLUMNS:
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "@"
    help_sheet = workbook.create_sheet("填写说明")
    help_sheet.append(["填写说明"])
    for line in (
        "1. 带 * 的列必填；第2行为示例，导入前请删除。",
        "2. 统一社会信用代码为18位，系统校验 GB 32100-2015 校验码；海关注册编码为10位。",
        "3. 任何一行有错误时，整个文件都不会导入，页面会列出每一处错误。",
        "4. “所属县区”可填代码或名称；“企业类型”可填中文名称或代码；产业带、园区填名称。",
    ):
        help_sheet.append([line])
    help_sheet.append([])
    help_sheet.append(["所属县区 代码", "名称"])
    for c in County.objects.all():
        help_sheet.append(safe_row([c.code, c.name]))
    help_sheet.append([])
    help_sheet.append(["企业类型 代码", "名称"])
    for kind in EnterpriseKind:
        help_sheet.append([kind.value, str(kind.label)])
    help_sheet.append([])
    help_sheet.append(["产业带", "所在县区"])
    for belt in IndustryBelt.objects.select_related("county"):
        help_sheet.append(safe_row([belt.name, belt.county.name]))
    help_sheet.append([])
    help_sheet.append(["园区", "所在县区"])
    for park in Park.objects.select_related("county"):
        help_sheet.append(safe_row([park.name, park.county.name]))
    help_sheet.column_dimensions["A"].width = 60
    help_sheet.column_dimensions["B"].width = 24
    return workbook_bytes(workbook)


def build_export(enterprises: QuerySet[Enterprise] | Iterable[Enterprise]) -> bytes:
    """The filtered registry as .xlsx, in the import layout plus status and recognitions."""
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet("企业档案")
    sheet.append([label for _n, label, _r in COLUMNS] + ["状态", "认定", "登记时间"])
    status_labels = dict(EnterpriseStatus.choices)
    kind_labels = dict(EnterpriseKind.choices)
    rows = enterprises
    if hasattr(enterprises, "prefetch_related"):
        rows = enterprises.prefetch_related("recognitions").iterator(chunk_size=1000)
    for e in rows:
        recognitions = "；".join(str(r) for r in e.recognitions.all())
        values = [
            e.uscc,
            e.name,
            e.county.name,
            str(kind_labels.get(e.kind, e.kind)),
            e.customs_code,
            e.industry_belt.name if e.industry_belt else "",
            e.park.name if e.park else "",
            e.first_cbec_year,
            e.independent_site_url,
            e.address,
            e.contact_name,
            e.contact_phone,
            e.contact_email,
            str(status_labels.get(e.status, e.status)),
            recognitions,
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
        sheet.append(safe_row(values))
    return workbook_bytes(workbook)
