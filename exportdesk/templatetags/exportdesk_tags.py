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
