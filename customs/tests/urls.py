"""URLconf for the customs tests: the project's URLs plus the customs pages and API router, in
case the project does not mount them (yet). Tests use ``API`` for the API prefix."""

from __future__ import annotations

from django.urls import include, path
from ninja import NinjaAPI

from accounts.auth import api_auth
from customs.api import router
from diandiantong.api import api as project_api
from diandiantong.urls import urlpatterns as project_patterns

urlpatterns = list(project_patterns)
if not any(getattr(p, "namespace", None) == "customs" for p in project_patterns):
    urlpatterns.insert(0, path("customs/", include("customs.urls")))

if getattr(router, "api", None) is not project_api:
    test_api = NinjaAPI(auth=api_auth, urls_namespace="customs_test_api", docs_url=None)
    for exc, handler in project_api._exception_handlers.items():
        test_api.add_exception_handler(exc, handler)
    test_api.add_router("/customs", router)
    urlpatterns.insert(0, path("api/test/", test_api.urls))
    API = "/api/test/customs"
else:  # pragma: no cover - once the project mounts the router
    API = "/api/v1/customs"
