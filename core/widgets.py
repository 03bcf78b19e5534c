"""Form widgets shared by every app.

The browser's date inputs (``<input type="date">``, ``datetime-local``) accept only ISO values
(``2025-02-01``, ``2025-02-01T09:30``) whatever the page's language; Django would render a saved
value in the active locale's first input format (Chinese: ``2025/02/01``), which the browser
drops, so the field looks empty and saving fails. These widgets always render ISO.
"""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
