"""Every schema of the API has its own name (issue 13: fund runs showed the customs ``RunOut``,
application history the events ``EventOut``)."""

from __future__ import annotations

import typing
from collections import defaultdict
from typing import Any

import pytest
from pydantic import BaseModel

from diandiantong.api import api


def _models(annotation: Any, seen: set[type]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def _api_models() -> set[type]:
    seen: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _models(model, seen)
                for response in operation.response_models.values():
                    _models(response, seen)
    return seen


def test_no_two_schema_classes_share_a_name() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _api_models():
        if model.__module__.startswith("ninja."):
            continue  # ninja's own per-operation wrappers (inlined, never a component)
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: classes for name, classes in by_name.items() if len(classes) > 1}
    assert clashes == {}


@pytest.mark.django_db
def test_openapi_names_the_fund_run_and_the_application_history_apart(client: Any) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("ProposalRunOut", "IngestRunOut", "ApplicationEventOut", "EventOut"):
        assert name in schemas, name
    assert "RunOut" not in schemas
    assert "inputs_hash" in schemas["ProposalRunOut"]["properties"]
    assert "title" in schemas["EventOut"]["properties"]
