"""The registry status workflow: the edit page offers exactly what the service accepts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enterprises import services, workflow
from enterprises.models import Enterprise, EnterpriseStatus
from enterprises.tests.conftest import login_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", EnterpriseStatus.values)
def test_edit_page_offers_only_the_allowed_statuses(world, start: str) -> None:
    Enterprise.objects.filter(pk=world.a.pk).update(status=start)
    enterprise = Enterprise.objects.get(pk=world.a.pk)
    client = login_client(world.reviewer)
    form = client.get(reverse("enterprises:edit", args=[enterprise.pk])).context["form"]
    offered = {value for value, _label in form.fields["status"].choices}
    assert offered == {start} | workflow.STATUS_EDGES[start]
    for target in set(EnterpriseStatus.values) - offered:
        with pytest.raises(ValidationError):
            services.enterprise_update(actor=world.reviewer, enterprise=enterprise, status=target)
        assert Enterprise.objects.get(pk=enterprise.pk).status == start
