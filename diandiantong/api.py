"""The JSON API at /api/v1/ (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every error is JSON ``{"code": "...", "message": "..."}``. Authentication: the browser session
(with CSRF) or ``Authorization: Bearer <token>`` (accounts.ApiToken). Routers live in each app's
``api.py``; handlers parse, call a selector or service, and return schemas.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from accounts.api import router as accounts_router
from accounts.auth import api_auth
from applications.api import router as applications_router
from codes.api import router as codes_router
from compliance.api import router as compliance_router
from credit.api import router as credit_router
from customs.api import router as customs_router
from enterprises.api import router as enterprises_router
from events.api import router as events_router
from exportdesk.api import router as exportdesk_router
from funds.api import router as funds_router
from logistics.api import router as logistics_router
from mandates.api import router as mandates_router
from stats.api import router as stats_router
from vouchers.api import router as vouchers_router
from warehouses.api import router as warehouses_router

ERROR_STATUSES = {
    "400": "输入无效 / Invalid input",
    "401": "未认证 / Authentication required",
    "403": "无权操作 / Permission denied",
    "404": "不存在或无权查看 / Not found",
    "422": "请求格式错误 / Malformed request",
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "fields": {"type": "object"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class EdgeParser(Parser):
    """JSON bodies and query strings validated at the edge: no NUL characters (PostgreSQL text
    cannot hold them, and no legitimate input contains them)."""

    nul_message = "输入包含不允许的空字符（NUL）/ Input contains a NUL character"

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValidationError("请求体须为 JSON 对象 / The request body must be a JSON object")
        if _has_nul(data):
            raise ValidationError(self.nul_message)
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        result = super().parse_querydict(data, list_fields, request)
        if _has_nul(result):
            raise ValidationError(self.nul_message)
        return result


class DiandiantongAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the JSON error responses every operation can give."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"$ref": "#/components/schemas/Error"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": ref}},
                        },
                    )
        return schema


api = DiandiantongAPI(
    title="点点通 API / Diandiantong API",
    version="1",
    description="Lianyungang CBEC public service platform — 连云港跨境电商公共服务平台",
    auth=api_auth,
    parser=EdgeParser(),
    urls_namespace="api",
)


def error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = "请先登录或提供有效令牌 / Authentication required"
    return error(request, 401, "unauthenticated", message)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 403, "forbidden", str(exc) or "无权访问 / Permission denied")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 404, "not_found", "对象不存在或无权查看 / Not found")


@api.exception_handler(OverflowError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # e.g. an id beyond the database's integer range: no such object can exist
    return error(request, 400, "invalid", "数值超出范围 / Number out of range")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    message = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    return error(request, 400, "invalid", message, fields=fields)


@api.exception_handler(NinjaValidationError)
def _invalid_body(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    parts = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg', '')}")
    return error(request, 422, "invalid_request", "; ".join(parts), errors=exc.errors)


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: Exception) -> HttpResponse:
    # e.g. multipart/form-data without a boundary: a malformed request, not a server error
    return error(request, 400, "invalid", f"请求体无法解析 / Malformed multipart body: {exc}")


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 413, "too_large", "请求体过大 / Request body too large")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = "请求体无法解析：须为合法 JSON，且不含空字符 / " + message
    code = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found"}
    return error(request, exc.status_code, code.get(exc.status_code, "error"), message)


api.add_router("/accounts", accounts_router)
api.add_router("/codes", codes_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/applications", applications_router)
api.add_router("/funds", funds_router)
api.add_router("/customs", customs_router)
api.add_router("/warehouses", warehouses_router)
api.add_router("/events", events_router)
api.add_router("/stats", stats_router)
api.add_router("/logistics", logistics_router)
api.add_router("/vouchers", vouchers_router)
api.add_router("/credit", credit_router)
api.add_router("/exportdesk", exportdesk_router)
api.add_router("/mandates", mandates_router)
api.add_router("/compliance", compliance_router)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Project 400 handler (malformed requests Django rejects before a view, e.g. a body that
    cannot be parsed): JSON under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return error(request, 400, "invalid", "请求无法解析 / Bad request")
    from django.views.defaults import bad_request

    return bad_request(request, exception or Exception())


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Project 404 handler: JSON under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return error(request, 404, "not_found", "接口不存在 / No such endpoint")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception or Http404())
