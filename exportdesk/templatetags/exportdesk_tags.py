"""``|zh``: a Chinese document number or title quoted as such (``lang="zh-CN"``), so that an
English page shows it as the citation it is."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def zh(value: Any) -> SafeString:
    return format_html('<span lang="zh-CN">{}</span>', value)


@register.filter
def source(value: Any) -> str:
    """Who put a cost or proceeds line on the statement: the reporting partner's name (a model
    row or a frozen ``detail`` line), or the enterprise itself."""
    from exportdesk.documents import source_label

    name = value.get("source", "") if isinstance(value, dict) else getattr(value, "source_name", "")
    return source_label(name)


@register.filter
def report_scopes(scopes: Any) -> str:
    """The labels of a report authorisation's scopes."""
    from exportdesk.models import ReportScope

    labels = dict(ReportScope.choices)
    return "；".join(str(labels.get(s, s)) for s in scopes or [])
