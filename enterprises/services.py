"""Writes to the enterprise registry. Keyword-only, transactional and audited.

Permission decisions come from :mod:`enterprises.selectors`; views and the API only parse input,
call these functions and render the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.services import user_create
from audit.services import audit_record, snapshot
from codes.models import County
from core.public import PRIVACY_VERSION
from enterprises import selectors, workflow
from enterprises.change_services import (
    change_request_submit,
    close_superseded,
    customs_code_taken,
    customs_code_taken_error,
)
from enterprises.models import (
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    FactSource,
    IndustryBelt,
    Park,
    Recognition,
    RecognitionLevel,
    RecognitionType,
    VerifiedFact,
)
from enterprises.place_services import industry_belt_save as industry_belt_save
from enterprises.place_services import park_save as park_save
from enterprises.validators import django_validate_customs_code, django_validate_uscc

EARLIEST_CBEC_YEAR = 1995

PROFILE_FIELDS = (
    "uscc",
    "name",
    "county",
    "kind",
    "customs_code",
    "industry_belt",
    "park",
    "first_cbec_year",
    "independent_site_url",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "tags",
)


def _field_label(name: str) -> Any:
    return getattr(Enterprise._meta.get_field(name), "verbose_name", name)


def _duplicate_uscc_error(uscc: str) -> ValidationError:
    return ValidationError(
        {"uscc": [_("统一社会信用代码“%(uscc)s”已登记，不能重复登记。") % {"uscc": uscc}]}
    )


# Self-registration never says whether a user name or a USCC is already registered.
REGISTRATION_REFUSED = gettext_lazy("无法完成注册，请检查信息或联系县区商务部门。")


class RegistrationRefused(ValidationError):
    """The registration clashes with an existing user name or USCC (which one is not said)."""

    def __init__(self) -> None:
        super().__init__(str(REGISTRATION_REFUSED), code="registration_refused")


def _resolve(model: type[Any], value: Any, field_name: str, *, label: str) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    obj = model.objects.filter(pk=value).first() if str(value).isdigit() else None
    if obj is None:
        raise ValidationError({field_name: [_("%(label)s不存在。") % {"label": label}]})
    return obj


def _clean_value(name: str, value: Any, *, current_year: int) -> Any:
    """Normalise and check one profile value; raise ValidationError keyed by the field."""
    if name == "uscc":
        return django_validate_uscc(value, field="uscc")
    if name == "customs_code":
        text = str(value or "").strip()
        return django_validate_customs_code(text, field="customs_code") if text else ""
    if name == "name":
        text = " ".join(str(value or "").split())
        if not text:
            raise ValidationError({"name": [_("请填写企业名称。")]})
        return text
    if name == "county":
        county = _resolve(County, value, "county", label=_("县区"))
        if county is None:
            raise ValidationError({"county": [_("请选择所属县区。")]})
        return county
    if name == "kind":
        if value not in EnterpriseKind.values:
            raise ValidationError({"kind": [_("请选择有效的企业类型。")]})
        return value
    if name == "industry_belt":
        return _resolve(IndustryBelt, value, name, label=_("产业带"))
    if name == "park":
        return _resolve(Park, value, name, label=_("园区"))
    if name == "first_cbec_year":
        if value in (None, ""):
            return None
        try:
            year = int(value)
        except (TypeError, ValueError):
            year = -1
        if not EARLIEST_CBEC_YEAR <= year <= current_year:
            raise ValidationError(
                {
                    name: [
                        _("首次开展跨境电商年份应在%(a)d年至%(b)d年之间。")
                        % {"a": EARLIEST_CBEC_YEAR, "b": current_year}
                    ]
                }
            )
        return year
    if name == "tags":
        items = value if isinstance(value, list | tuple) else str(value or "").split(",")
        return sorted({str(t).strip() for t in items if str(t).strip()})
    if name == "status":
        if value not in EnterpriseStatus.values:
            raise ValidationError({"status": [_("无效的状态。")]})
        return value
    return str(value or "").strip()


def _apply(enterprise: Enterprise, values: Mapping[str, Any], *, check_clash: bool = True) -> None:
    """Clean ``values`` onto ``enterprise``; collect every field error, then validate the model.

    ``check_clash`` also refuses a USCC or customs code held by another enterprise (by name).
    """
    errors: dict[str, list[str]] = {}
    year = timezone.localdate().year
    for name, raw in values.items():
        try:
            setattr(enterprise, name, _clean_value(name, raw, current_year=year))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if (
        check_clash
        and "customs_code" in values
        and "customs_code" not in errors
        and enterprise.status != EnterpriseStatus.DEREGISTERED
        and customs_code_taken(enterprise.customs_code, exclude_pk=enterprise.pk)
    ):
        errors.setdefault("customs_code", []).extend(
            customs_code_taken_error(enterprise.customs_code).message_dict["customs_code"]
        )
    if check_clash and "uscc" in values and "uscc" not in errors:
        clash = Enterprise.objects.filter(uscc=enterprise.uscc).exclude(pk=enterprise.pk)
        if clash.exists():
            errors["uscc"] = _duplicate_uscc_error(enterprise.uscc).message_dict["uscc"]
    try:
        enterprise.full_clean(
            exclude=[n for n in errors] + ["uscc"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _clash_error(enterprise: Enterprise) -> ValidationError | None:
    """The field error of a unique-constraint failure (USCC or customs code), if it is one."""
    if Enterprise.objects.filter(uscc=enterprise.uscc).exclude(pk=enterprise.pk).exists():
        return _duplicate_uscc_error(enterprise.uscc)
    if enterprise.status != EnterpriseStatus.DEREGISTERED and customs_code_taken(
        enterprise.customs_code, exclude_pk=enterprise.pk
    ):
        return customs_code_taken_error(enterprise.customs_code)
    return None


def _save(enterprise: Enterprise) -> None:
    """Save, turning a unique-constraint race into the same field error."""
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        error = _clash_error(enterprise)
        if error is not None:
            raise error from None
        raise


def build_enterprise(
    values: Mapping[str, Any], *, status: str, check_clash: bool = True
) -> Enterprise:
    """A validated, unsaved enterprise (shared by register, create and import)."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    enterprise = Enterprise(status=status)
    required = {"uscc": "", "name": "", "county": None, "kind": ""}
    _apply(enterprise, {**required, **values}, check_clash=check_clash)
    return enterprise


@transaction.atomic
def enterprise_register(
    *,
    uscc: str,
    name: str,
    county: County | int,
    kind: str,
    username: str,
    password: str,
    customs_code: str = "",
    industry_belt: IndustryBelt | int | None = None,
    park: Park | int | None = None,
    first_cbec_year: int | None = None,
    independent_site_url: str = "",
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    privacy_consent_version: str,
) -> tuple[Enterprise, User]:
    """Public self-registration: a PENDING enterprise and its first (enterprise-role) user.

    ``privacy_consent_version`` is the privacy notice version the user agreed to (the form's
    required checkbox); anything but the current ``core.public.PRIVACY_VERSION`` is refused.
    The version and the moment are stored on the enterprise and in the audit entry.

    Every input is checked first, then whether the user name or the USCC is taken: a clash is the
    one generic ``RegistrationRefused``, so the answer never tells which exists. The kind and the
    first CBEC year are recorded as declared; a customs code becomes a change request that the
    county verifies (a code never routes customs data to an unverified registration).
    """
    errors: dict[str, list[str]] = {}
    if privacy_consent_version != PRIVACY_VERSION:
        errors["privacy_consent"] = [_("请阅读并同意隐私声明后再注册。")]
    try:
        enterprise = build_enterprise(
            {
                "uscc": uscc,
                "name": name,
                "county": county,
                "kind": kind,
                "industry_belt": industry_belt,
                "park": park,
                "first_cbec_year": first_cbec_year,
                "independent_site_url": independent_site_url,
                "address": address,
                "contact_name": contact_name,
                "contact_phone": contact_phone,
                "contact_email": contact_email,
            },
            status=EnterpriseStatus.PENDING,
            check_clash=False,
        )
    except ValidationError as exc:
        enterprise = None
        errors.update(exc.message_dict)
    try:
        code = _clean_value("customs_code", customs_code, current_year=0)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("请填写用户名。")]
    probe = User(
        username=username,
        email=str(contact_email or ""),
        first_name=str(contact_name or ""),
        role=Role.ENTERPRISE,
    )
    try:
        validate_password(password, probe)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors or enterprise is None:
        raise ValidationError(errors)
    if (
        Enterprise.objects.filter(uscc=enterprise.uscc).exists()
        or User.objects.filter(username__iexact=username).exists()
    ):
        raise RegistrationRefused()
    for fact in VerifiedFact.values:
        setattr(enterprise, f"{fact}_source", FactSource.DECLARED)
    enterprise.privacy_consent_version = privacy_consent_version
    enterprise.privacy_consent_at = timezone.now()
    try:
        _save(enterprise)
        user = user_create(
            actor=None,
            username=username,
            password=password,
            role=Role.ENTERPRISE,
            enterprise=enterprise,
            email=enterprise.contact_email,
            full_name=enterprise.contact_name,
            phone=enterprise.contact_phone,
        )
    except ValidationError as exc:  # a concurrent registration took the name or the USCC
        if {"uscc", "username"} & set(getattr(exc, "error_dict", {})):
            raise RegistrationRefused() from None
        raise
    audit_record(
        actor=user,
        action="enterprises.enterprise_register",
        obj=enterprise,
        after=snapshot(enterprise),
    )
    if code:
        change_request_submit(actor=user, enterprise=enterprise, values={"customs_code": code})
    return enterprise, user


@transaction.atomic
def enterprise_create(
    *, actor: User | None, status: str = EnterpriseStatus.ACTIVE, **values: Any
) -> Enterprise:
    """Create an enterprise on behalf of an officer, an import or the demo loader (actor None)."""
    county_id: Any = getattr(values.get("county"), "pk", values.get("county"))
    if actor is not None and not selectors.can_create_enterprise(
        actor, int(county_id) if str(county_id).isdigit() else None
    ):
        raise PermissionDenied(_("无权登记该县区的企业。"))
    if status not in EnterpriseStatus.values:
        raise ValidationError({"status": [_("无效的状态。")]})
    enterprise = build_enterprise(values, status=status)
    for fact in VerifiedFact.values:  # an officer, the city's import or the system: trusted
        setattr(enterprise, f"{fact}_source", FactSource.VERIFIED)
    _save(enterprise)
    audit_record(
        actor=actor,
        action="enterprises.enterprise_create",
        obj=enterprise,
        after=snapshot(enterprise),
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, **changes: Any) -> Enterprise:
    """Change profile fields within the actor's whitelist (``selectors.editable_fields_for``).

    The verified facts (``VerifiedFact``): an enterprise user's values become change requests
    (``change_services.change_request_submit``) and the values in force stay; an officer's
    changed values apply at once, marked verified, and decide any pending request for them.
    """
    allowed = selectors.editable_fields_for(actor, enterprise)
    if not allowed:
        raise PermissionDenied(_("无权修改该企业档案。"))
    unknown = set(changes) - selectors.ALL_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    forbidden = set(changes) - allowed
    if forbidden:
        labels = [str(_field_label(f)) for f in sorted(forbidden)]
        raise PermissionDenied(_("无权修改：%(f)s") % {"f": "、".join(labels)})
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = snapshot(locked)
    new_status = changes.pop("status", None)
    requested: dict[str, Any] = {}
    if selectors.facts_need_verification(actor, locked):
        errors: dict[str, list[str]] = {}
        year = timezone.localdate().year
        for fact in VerifiedFact.values:
            if fact in changes:
                try:
                    requested[fact] = _clean_value(fact, changes.pop(fact), current_year=year)
                except ValidationError as exc:
                    errors.update(exc.message_dict)
        try:
            _apply(locked, changes)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
    else:
        _apply(locked, changes)
    trusted_facts = [
        f for f in VerifiedFact.values if f in changes and getattr(locked, f) != before.get(f)
    ]
    for fact in trusted_facts:
        setattr(locked, f"{fact}_source", FactSource.VERIFIED)
    if new_status is not None and new_status != locked.status:
        refusal = workflow.status_refusal(locked, new_status)
        if refusal:
            raise ValidationError({"status": [refusal]})
        locked.status = new_status
    if requested:
        change_request_submit(actor=actor, enterprise=locked, values=requested)
    after = snapshot(locked)
    if after == before:
        return locked
    _save(locked)
    audit_record(
        actor=actor, action="enterprises.enterprise_update", obj=locked, before=before, after=after
    )
    if trusted_facts:
        close_superseded(actor=actor, enterprise=locked, fields=trusted_facts)
    return locked


@transaction.atomic
def recognition_add(
    *,
    actor: User,
    enterprise: Enterprise,
    type: str,
    level: str = "",
    year: int,
    note: str = "",
) -> Recognition:
    if not selectors.can_manage_recognitions(actor):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以登记认定。"))
    errors: dict[str, list[str]] = {}
    if type not in RecognitionType.values:
        errors["type"] = [_("请选择有效的认定类型。")]
    if level and level not in RecognitionLevel.values:
        errors["level"] = [_("请选择有效的级别。")]
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year + 1:
        errors["year"] = [_("年度应在2000年至%(y)d年之间。") % {"y": this_year + 1}]
    if (
        not errors
        and Recognition.objects.filter(
            enterprise=enterprise, type=type, level=level, year=year
        ).exists()
    ):
        errors["__all__"] = [_("该企业在该年度已有相同的认定。")]
    if errors:
        raise ValidationError(errors)
    recognition = Recognition.objects.create(
        enterprise=enterprise, type=type, level=level, year=year, note=note.strip()[:300]
    )
    audit_record(
        actor=actor,
        action="enterprises.recognition_add",
        obj=recognition,
        after=snapshot(recognition),
    )
    return recognition


@transaction.atomic
def recognition_remove(*, actor: User, recognition: Recognition) -> None:
    if not selectors.can_manage_recognitions(actor):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以撤销认定。"))
    before = snapshot(recognition)
    pk = recognition.pk
    recognition.delete()
    audit_record(
        actor=actor,
        action="enterprises.recognition_remove",
        object_type=Recognition._meta.label,
        object_id=str(pk),
        object_repr=str(recognition),
        before=before,
    )


@dataclass(frozen=True)
class RowError:
    row: int | None  # spreadsheet row number; None for errors about the whole file
    column: str
    message: str


@dataclass
class ImportResult:
    created: list[Enterprise] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _row_errors(
    row: int | None, exc: ValidationError, labels: Mapping[str, str]
) -> Iterable[RowError]:
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            for message in messages:
                yield RowError(row, labels.get(key, ""), message)
    else:
        for message in exc.messages:
            yield RowError(row, "", message)


def enterprises_import(*, actor: User | None, file: IO[bytes], filename: str = "") -> ImportResult:
    """Import enterprises from an .xlsx file: all rows valid → all created; otherwise none."""
    from enterprises import excel

    if actor is not None and not selectors.can_import_enterprises(actor):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以导入企业。"))
    parsed = excel.read_import_file(file, filename=filename)
    result = ImportResult(errors=list(parsed.errors), rows=len(parsed.rows))
    if result.errors:
        return result
    seen: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    for row in parsed.rows:
        result.errors.extend(row.errors)
        try:
            enterprise = build_enterprise(row.values, status=EnterpriseStatus.ACTIVE)
        except ValidationError as exc:
            result.errors.extend(
                e
                for e in _row_errors(row.number, exc, excel.COLUMN_LABELS)
                if e.column not in row.failed_columns
            )
            continue
        if row.errors:
            continue
        if enterprise.uscc in seen:
            result.errors.append(
                RowError(
                    row.number,
                    excel.COLUMN_LABELS["uscc"],
                    _("统一社会信用代码“%(u)s”与第%(r)d行重复。")
                    % {"u": enterprise.uscc, "r": seen[enterprise.uscc]},
                )
            )
            continue
        seen[enterprise.uscc] = row.number
        if enterprise.customs_code:
            if enterprise.customs_code in seen_codes:
                result.errors.append(
                    RowError(
                        row.number,
                        excel.COLUMN_LABELS["customs_code"],
                        _("海关注册编码“%(c)s”与第%(r)d行重复。")
                        % {"c": enterprise.customs_code, "r": seen_codes[enterprise.customs_code]},
                    )
                )
                continue
            seen_codes[enterprise.customs_code] = row.number
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for row in parsed.rows:
                result.created.append(
                    enterprise_create(actor=actor, status=EnterpriseStatus.ACTIVE, **row.values)
                )
            audit_record(
                actor=actor,
                action="enterprises.enterprises_import",
                object_type=Enterprise._meta.label,
                object_repr=filename[:300],
                after={"rows": len(parsed.rows), "ids": [e.pk for e in result.created]},
            )
    except ValidationError as exc:  # e.g. a USCC registered concurrently
        result.created = []
        result.errors.extend(_row_errors(None, exc, excel.COLUMN_LABELS))
    return result
