"""Registry views: parse the request, call a selector or service, render."""

from enterprises.views.excel import import_template, import_upload
from enterprises.views.registry import (
    detail,
    edit,
    enterprise_list,
    export,
    mine,
    recognition_add,
    recognition_remove,
    register,
)

__all__ = [
    "detail",
    "edit",
    "enterprise_list",
    "export",
    "import_template",
    "import_upload",
    "mine",
    "recognition_add",
    "recognition_remove",
    "register",
]
