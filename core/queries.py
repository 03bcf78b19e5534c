"""Small query helpers shared by the apps."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

M = TypeVar("M", bound=models.Model)


def get_or_none(queryset: models.QuerySet[M] | models.Manager[M], **lookups: object) -> M | None:
    """The one row matching ``lookups`` (a unique key), or None.

    Use it instead of ``.filter(…).first()`` for a look-up by a unique key: ``first()`` orders
    by the model's ordering (or the primary key), and building that ORDER BY is a large part
    of a small query's cost in Django; ``get()`` drops it. More than one row is an error
    (``MultipleObjectsReturned``), as for ``get()``.
    """
    try:
        return queryset.get(**lookups)
    except ObjectDoesNotExist:  # the model's DoesNotExist (get() raises no other)
        return None
