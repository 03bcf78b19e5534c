"""One filter definition per listable model: the page form and the API query schema come from it.

A list's filters are declared once, as a :class:`FilterSet` subclass whose attributes are
:class:`Filter` objects (a Django form field plus how the filter narrows a queryset)::

    class WarehouseFilterSet(FilterSet):
        q = Filter(forms.CharField(label=_("关键词")), search=("name", "city"))
        status = Filter(forms.ChoiceField(label=_("状态"), choices=...), "status")

From that declaration:

* ``WarehouseFilterSet.form(request.GET)`` is the page's filter form (GET, never an error
  page: an invalid value only drops that filter);
* ``WarehouseFilterSet.schema()`` is the ninja ``Query`` schema of the API list;
* ``WarehouseFilterSet.apply(qs, values)`` narrows a queryset; the selector calls it after
  scoping the queryset to what the caller may see.

Values are *raw* scalars (a county code, a pk, ``"1"``), whichever side they come from: the form
turns its cleaned values back into raw ones (:meth:`FilterSet.values`), the API passes its
validated query as it is. A choice value the filter does not know is ignored, as before.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import create_model

from core.forms import AccessibleFormMixin

MAX_ID = 2**63 - 1  # the database's bigint: larger ids are a 422, never a 500

Apply = Callable[[QuerySet[Any], Any], QuerySet[Any]]


class Filter:
    """One filter: its form field, and a lookup (``"county__code"``), ``search`` fields or a
    function ``(qs, value) -> qs``. ``api_only`` filters are not shown on the page."""

    def __init__(
        self,
        field: forms.Field,
        lookup: str | Apply | None = None,
        *,
        search: Iterable[str] = (),
        api_only: bool = False,
        description: str = "",
    ) -> None:
        field.required = False
        self.field = field
        self.lookup = lookup
        self.search = tuple(search)
        self.api_only = api_only
        self.description = description
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    # --- values -------------------------------------------------------------------------

    def raw(self, cleaned: Any) -> Any:
        """A cleaned form value as the raw scalar the API would send."""
        if isinstance(cleaned, Model):
            to_field = getattr(self.field, "to_field_name", None) or "pk"
            return getattr(cleaned, to_field)
        if isinstance(cleaned, str):
            return cleaned.strip()
        return cleaned

    def known(self, value: Any) -> bool:
        """False for a choice the field does not offer (ignored, never an error)."""
        if isinstance(self.field, forms.ModelChoiceField | forms.BooleanField):
            return True
        if isinstance(self.field, forms.ChoiceField) and self.field.choices:
            return str(value) in {str(k) for k, _label in list(self.field.choices)}  # type: ignore[arg-type]
        return True

    def apply(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if self.search:
            text = str(value).strip()
            query = Q()
            for name in self.search:
                query |= Q(**{f"{name}__icontains": text})
            return qs.filter(query)
        if callable(self.lookup):
            return self.lookup(qs, value)
        return qs.filter(**{self.lookup or self.name: value})

    # --- API ----------------------------------------------------------------------------

    def schema_field(self) -> tuple[Any, Any]:
        field = self.field
        text = self.description or str(field.label or self.name)
        if isinstance(field, forms.BooleanField):
            return bool, Field(False, description=text)
        if isinstance(field, forms.ModelChoiceField) and not field.to_field_name:
            return int | None, Field(None, ge=1, le=MAX_ID, description=text)
        if isinstance(field, forms.IntegerField):
            low, high = field.min_value, field.max_value
            return int | None, Field(None, description=text, ge=low, le=high)
        if isinstance(field, forms.DateField):
            return dt.date | None, Field(None, description=text)
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            values = [str(k) for k, _label in list(field.choices) if k]  # type: ignore[arg-type]
            if values:
                text = f"{text}: {', '.join(values)}"
        if isinstance(field, forms.CharField) and field.max_length:
            return str, Field("", description=text, max_length=field.max_length)
        return str, Field("", description=text)


class FilterSet:
    """A list's filters. Subclasses declare :class:`Filter` attributes and may override
    :meth:`customise` (per-caller choices) and set ``ordering`` / ``default_ordering``."""

    declared: ClassVar[dict[str, Filter]] = {}
    # ordering key -> (label, order_by arguments); the API takes the key as ``ordering``
    orderings: ClassVar[dict[str, tuple[Any, tuple[Any, ...]]]] = {}
    default_ordering: ClassVar[str] = ""
    # the page form's base class (e.g. one with a ``clean`` that compares two filters)
    form_base: ClassVar[type[forms.Form]] = forms.Form
    _form_class: ClassVar[type[forms.Form] | None] = None
    _schema: ClassVar[type[Schema] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Filter] = {}
        for base in reversed(cls.__mro__[1:]):
            declared.update(getattr(base, "declared", {}))
        declared.update({k: v for k, v in vars(cls).items() if isinstance(v, Filter)})
        cls.declared = declared
        cls._form_class = None
        cls._schema = None

    # --- the page form ------------------------------------------------------------------

    @classmethod
    def customise(cls, form: forms.Form, user: Any) -> None:
        """Narrow the form's choices for ``user`` (e.g. a county officer's own county)."""

    @classmethod
    def form_class(cls) -> type[forms.Form]:
        if cls._form_class is None:
            attrs: dict[str, Any] = {
                name: copy.deepcopy(f.field) for name, f in cls.declared.items() if not f.api_only
            }
            if cls.orderings:
                attrs["ordering"] = forms.ChoiceField(
                    label=_ordering_label(),
                    required=False,
                    choices=[(k, label) for k, (label, _args) in cls.orderings.items()],
                )
            name = cls.__name__.removesuffix("Set") + "Form"
            cls._form_class = type(name, (AccessibleFormMixin, cls.form_base), attrs)
        return cls._form_class

    @classmethod
    def form(cls, data: Mapping[str, Any] | None, *, user: Any = None) -> forms.Form:
        form = cls.form_class()(data or None)
        cls.customise(form, user)
        return form

    @classmethod
    def values(cls, form: forms.Form) -> dict[str, Any]:
        """The form's valid values as raw scalars; a bad value drops only its own filter."""
        if not form.is_bound:
            return {}
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        values: dict[str, Any] = {}
        for name, value in cleaned.items():
            if name in form.errors or value in (None, "", False):
                continue
            f = cls.declared.get(name)
            values[name] = f.raw(value) if f else value
        return values

    # --- the API query ------------------------------------------------------------------

    @classmethod
    def schema(cls) -> type[Schema]:
        if cls._schema is None:
            fields: dict[str, Any] = {n: f.schema_field() for n, f in cls.declared.items()}
            if cls.orderings:
                keys = ", ".join(cls.orderings)
                fields["ordering"] = (str, Field("", description=f"ordering: {keys}"))
            name = cls.__name__.removesuffix("FilterSet") + "Query"
            cls._schema = create_model(name, __base__=Schema, **fields)
        return cls._schema

    # --- the selector -------------------------------------------------------------------

    @classmethod
    def apply(cls, qs: QuerySet[Any], values: Mapping[str, Any] | None) -> QuerySet[Any]:
        """``qs`` narrowed by every filter that has a known value, then ordered."""
        values = values or {}
        for name, f in cls.declared.items():
            value = values.get(name)
            if value in (None, "", False) or not f.known(value):
                continue
            qs = f.apply(qs, value)
        if cls.orderings:
            key = str(values.get("ordering") or "")
            if key not in cls.orderings:
                key = cls.default_ordering
            if key:
                qs = qs.order_by(*cls.orderings[key][1])
        return qs


def _ordering_label() -> Any:
    return _("排序")


def choices_with_all(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """``choices`` behind an "all" option (the empty value)."""
    return [("", _("全部")), *choices]
