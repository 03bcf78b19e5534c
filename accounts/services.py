"""Writes to accounts. Every function is keyword-only, transactional and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import PartnerKind, Role, User
from audit.services import audit_record, snapshot

if TYPE_CHECKING:
    from codes.models import County
    from enterprises.models import Enterprise


def _check_binding(
    *, role: str, enterprise: Enterprise | None, county: County | None, partner_kind: str
) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})
    if role == Role.ENTERPRISE and enterprise is None:
        raise ValidationError({"enterprise": _("企业用户必须绑定一家企业。")})
    if role != Role.ENTERPRISE and enterprise is not None:
        raise ValidationError({"enterprise": _("只有企业用户可以绑定企业。")})
    if role == Role.COUNTY_OFFICER and county is None:
        raise ValidationError({"county": _("县区用户必须绑定一个县区或功能板块。")})
    if role != Role.COUNTY_OFFICER and county is not None:
        raise ValidationError({"county": _("只有县区用户可以绑定县区。")})
    if role == Role.PARTNER and partner_kind not in PartnerKind.values:
        raise ValidationError({"partner_kind": _("合作机构必须选择机构类型。")})


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    enterprise: Enterprise | None = None,
    county: County | None = None,
    partner_kind: str = "",
    organisation: str = "",
    email: str = "",
    full_name: str = "",
    phone: str = "",
    validate: bool = True,
) -> User:
    """Create a user bound to its enterprise / county / partner kind as its role requires."""
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("请填写用户名。")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名“%(u)s”已被使用。") % {"u": username}})
    _check_binding(role=role, enterprise=enterprise, county=county, partner_kind=partner_kind)
    user = User(
        username=username,
        role=role,
        enterprise=enterprise,
        county=county,
        partner_kind=partner_kind if role == Role.PARTNER else "",
        organisation=organisation,
        email=email,
        first_name=full_name,
        phone=phone,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="accounts.user_create", obj=user, after=snapshot(user))
    return user
