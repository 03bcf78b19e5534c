"""Form helpers shared by every app: accessible error wiring."""

from __future__ import annotations

from typing import Any

from django import forms


class AccessibleFormMixin:
    """Marks invalid inputs with aria-invalid and ties them to their error list."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name in form.errors:
            if name in form.fields:
                bound = form[name]
                attrs: dict[str, Any] = form.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                ids = [f"{bound.auto_id}_error"]
                if form.fields[name].help_text:
                    ids.append(f"{bound.auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(ids)
