"""Architecture rules, checked on the source with ``ast`` (in the spirit of Zulip's custom lint
rules): a rule written down here cannot quietly drift apart in the code.

* a view or API module never imports another app's models: it reads through that app's
  selectors (``enterprises.selectors.enterprise_get_for`` …); type-only imports under
  ``if TYPE_CHECKING:`` do not count;
* who may see what is decided in ``accounts/access.py``: no ``_role`` / ``role_of`` elsewhere;
* pagination is the core list kit's: no ``Paginator(`` outside ``core``;
* workbooks are built by the Excel kit: no openpyxl ``Workbook(`` outside ``core/excel.py``.

Each rule's checker is also run on a small offending snippet, so the rule itself can fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Modules still calling ``Paginator(`` until their list page moves onto the core list kit
# (core/lists.py). Remove an entry when its page moves; the test fails on a stale entry.
PAGINATOR_ALLOWED: frozenset[str] = frozenset()

# App modules that still construct an openpyxl Workbook themselves instead of through
# core.excel.new_workbook (none today; keep it that way).
WORKBOOK_ALLOWED: frozenset[str] = frozenset()


def _apps() -> set[str]:
    """The project's Django apps: top-level packages with an ``apps.py``."""
    return {p.parent.name for p in ROOT.glob("*/apps.py")}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    """Every non-test, non-migration module of the project's apps and project package."""
    for package in sorted(_apps() | {"diandiantong"}):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel:
                continue
            yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


def _is_view_or_api(rel: str) -> bool:
    parts = rel.split("/")
    return parts[-1] in {"views.py", "api.py"} or (len(parts) > 2 and parts[1] == "views")


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def foreign_model_imports(rel: str, tree: ast.Module, apps: set[str]) -> list[str]:
    """Imports of another app's ``models`` in module ``rel`` (type-only imports excepted)."""
    own = rel.split("/")[0]
    skip = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        modules: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
            modules.extend(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            modules.extend(a.name for a in node.names)
        for module in modules:
            parts = module.split(".")
            if len(parts) >= 2 and parts[0] in apps and parts[0] != own and parts[1] == "models":
                found.append(f"{rel}:{node.lineno} imports {parts[0]}.models")
                break
    return found


def role_helpers(rel: str, tree: ast.Module) -> list[str]:
    """Definitions of ``_role`` / ``role_of`` outside ``accounts``."""
    if rel.startswith("accounts/"):
        return []
    return [
        f"{rel}:{node.lineno} defines {node.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name in {"_role", "role_of"}
    ]


def calls_to(rel: str, tree: ast.Module, name: str) -> list[str]:
    """Calls of ``name(...)`` or ``something.name(...)`` in module ``rel``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                found.append(f"{rel}:{node.lineno} calls {name}(")
    return found


# --- the rules ---------------------------------------------------------------------------------


def test_views_and_api_import_no_other_apps_models() -> None:
    apps = _apps()
    offenders = [
        hit
        for rel, tree in _modules()
        if _is_view_or_api(rel)
        for hit in foreign_model_imports(rel, tree, apps)
    ]
    assert offenders == []


def test_roles_are_decided_only_in_accounts() -> None:
    offenders = [hit for rel, tree in _modules() for hit in role_helpers(rel, tree)]
    assert offenders == []


def test_pagination_only_in_core() -> None:
    calling = {
        rel
        for rel, tree in _modules()
        if not rel.startswith("core/") and calls_to(rel, tree, "Paginator")
    }
    assert calling - PAGINATOR_ALLOWED == set(), "paginate with the core list kit"
    assert PAGINATOR_ALLOWED - calling == set(), "stale allow-list entry: remove it"


def test_workbooks_only_in_the_excel_kit() -> None:
    calling = {
        rel
        for rel, tree in _modules()
        if rel != "core/excel.py" and calls_to(rel, tree, "Workbook")
    }
    assert calling - WORKBOOK_ALLOWED == set(), "build workbooks with core.excel"
    assert WORKBOOK_ALLOWED - calling == set(), "stale allow-list entry: remove it"


# --- the checkers catch what they are meant to catch ---------------------------------------------


def _parse(source: str) -> ast.Module:
    return ast.parse(source)


def test_checker_finds_foreign_model_imports_but_not_type_only_ones() -> None:
    apps = {"enterprises", "funds", "codes"}
    source = """
from typing import TYPE_CHECKING
from funds.models import Disbursement
from enterprises.models import Enterprise
import codes.models
from enterprises import models
from enterprises import selectors
if TYPE_CHECKING:
    from codes.models import County
"""
    hits = foreign_model_imports("funds/views.py", _parse(source), apps)
    assert [h.split(" imports ")[1] for h in hits] == [
        "enterprises.models",
        "codes.models",
        "enterprises.models",
    ]
    assert _is_view_or_api("enterprises/views/registry.py")
    assert _is_view_or_api("funds/api.py")
    assert not _is_view_or_api("funds/selectors.py")


def test_checker_finds_role_helpers_and_calls() -> None:
    source = "def _role(user):\n    return ''\n\ndef role_of(user):\n    return ''\n"
    assert len(role_helpers("events/selectors.py", _parse(source))) == 2
    assert role_helpers("accounts/access.py", _parse(source)) == []
    calls = "from django.core import paginator\npaginator.Paginator(qs, 5)\nWorkbook()\n"
    assert calls_to("x.py", _parse(calls), "Paginator") == ["x.py:2 calls Paginator("]
    assert calls_to("x.py", _parse(calls), "Workbook") == ["x.py:3 calls Workbook("]
