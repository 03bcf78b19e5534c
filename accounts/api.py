"""/api/v1/accounts: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.models import User

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    enterprise_id: int | None
    enterprise_name: str | None
    county_code: str | None
    county_name: str | None
    partner_kind: str


@router.get("/me", response=MeOut, summary="当前用户 / The current user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)  # api_auth only lets authenticated users through
    return MeOut(
        username=user.get_username(),
        full_name=user.get_full_name(),
        role=user.role,
        role_label=str(user.get_role_display()),
        enterprise_id=user.enterprise_id,
        enterprise_name=user.enterprise.name if user.enterprise else None,
        county_code=user.county.code if user.county else None,
        county_name=user.county.name if user.county else None,
        partner_kind=user.partner_kind,
    )
