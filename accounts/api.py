"""/api/v1/accounts: who am I, and one's own API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from accounts import selectors, services
from accounts.auth import api_caller, request_token
from accounts.models import ApiToken

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
    user = api_caller(request)  # api_auth only lets authenticated users through
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


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str = Field(description="read: GET/HEAD/OPTIONS only; write: all the user may do")
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    scope: Literal["read", "write"] = Field(
        default="read",
        description="read（只读，默认）或 write（读写）/ read (default) or write",
    )
    days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="有效天数，默认 90 / lifetime in days (default DDT_API_TOKEN_DAYS)",
    )


class TokenCreatedOut(TokenOut):
    token: str = Field(description="令牌原文，只返回这一次 / the raw token, returned only once")


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        scope=token.scope,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


@router.get("/tokens", response=list[TokenOut], summary="我的 API 令牌 / My API tokens")
def token_list(request: HttpRequest) -> list[TokenOut]:
    return [_token_out(t) for t in selectors.api_token_list_for(user=api_caller(request))]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    summary="创建 API 令牌（须浏览器会话）/ Create an API token (browser session only)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    # A token must not mint tokens: they would outlive its revocation and its expiry.
    if request_token(request) is not None:
        raise PermissionDenied(
            "创建令牌须使用浏览器登录会话，不能使用令牌 / "
            "Creating a token needs the browser session, not a bearer token"
        )
    user = api_caller(request)
    token, raw = services.api_token_create(
        actor=user, user=user, name=payload.name, scope=payload.scope, days=payload.days
    )
    return Status(201, TokenCreatedOut(**_token_out(token).model_dump(), token=raw))


@router.delete(
    "/tokens/{token_id}", response=TokenOut, summary="吊销 API 令牌 / Revoke an API token"
)
def token_revoke(request: HttpRequest, token_id: int) -> TokenOut:
    user = api_caller(request)
    token = selectors.api_token_get_own(user=user, pk=token_id)
    return _token_out(services.api_token_revoke(actor=user, token=token))
