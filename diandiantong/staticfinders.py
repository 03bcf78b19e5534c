"""Static files taken from ``node_modules``: only the files the pages use.

``npm ci`` installs whole packages (68 MB, most of it other builds of ECharts); collecting and
compressing all of it made ``collectstatic`` take minutes and fill the static folder with files
nobody requests. This finder exposes just the listed files, under ``static/vendor/<package>/…``.
Add a line to ``VENDOR_FILES`` when a template starts using another file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

# static path under vendor/ → file under node_modules/
VENDOR_FILES = (
    "htmx.org/dist/htmx.min.js",
    "echarts/dist/echarts.min.js",
)
PREFIX = "vendor"


def _node_modules() -> Path:
    return Path(settings.BASE_DIR) / "node_modules"


class VendorFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [name for name in VENDOR_FILES if not (_node_modules() / name).is_file()]
        return [
            Error(f"node_modules/{name} is missing: run `npm ci`", id="ddt.E001")
            for name in missing
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found: list[str] = []
        for name in VENDOR_FILES:
            if path == f"{PREFIX}/{name}":
                candidate = _node_modules() / name
                if candidate.is_file():
                    if not find_all:
                        return str(candidate)
                    found.append(str(candidate))
        return found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for name in VENDOR_FILES:
            source = _node_modules() / name
            if not source.is_file():
                continue
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = f"{PREFIX}/{Path(name).parent.as_posix()}"  # type: ignore[attr-defined]
            yield source.name, storage
