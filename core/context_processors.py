from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.navigation import nav_for


def _unread_count(user: Any) -> int:
    from applications.selectors import notification_list_for

    return notification_list_for(user=user, unread_only=True).count()


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # a callable: templates call it, so pages that do not show the badge run no query
    return {
        "nav_items": nav_for(user),
        "unread_notifications": lambda: _unread_count(user),
    }
