from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from enterprises import selectors, services


def _names(user, **filters) -> set[str]:
    return {e.name for e in selectors.enterprise_list_for(user=user, filters=filters)}


def test_scope_by_role(world) -> None:
    both = {world.a.name, world.b.name}
    assert _names(world.user_a) == {world.a.name}
    assert _names(world.donghai_officer) == {world.a.name}
    assert _names(world.ganyu_officer) == {world.b.name}
    assert _names(world.reviewer) == both
    assert _names(world.finance) == both
    assert _names(world.admin) == both
    assert _names(world.partner) == set()
    assert _names(AnonymousUser()) == set()


def test_get_for_hides_invisible_enterprises(world) -> None:
    assert selectors.enterprise_get_for(user=world.user_a, pk=world.a.pk) == world.a
    for user, pk in [
        (world.user_a, world.b.pk),
        (world.donghai_officer, world.b.pk),
        (world.partner, world.a.pk),
    ]:
        with pytest.raises(Http404):
            selectors.enterprise_get_for(user=user, pk=pk)


def test_filters_and_search(world, make_enterprise) -> None:
    make_enterprise(
        "丙平台公司", "donghai", kind="platform", first_cbec_year=2022, customs_code="3207961Q43"
    )
    assert _names(world.reviewer, county="320707") == {world.b.name}
    assert _names(world.reviewer, kind="platform") == {"丙平台公司"}
    assert _names(world.reviewer, first_cbec_year="2022") == {"丙平台公司"}
    assert _names(world.reviewer, q="961q4") == {"丙平台公司"}
    assert _names(world.reviewer, q=world.b.uscc[-6:].lower()) == {world.b.name}
    assert _names(world.reviewer, q="水晶") == {world.a.name}
    # A county officer's filter for another county yields nothing, never the other county.
    assert _names(world.donghai_officer, county="320707") == set()
    services.recognition_add(actor=world.reviewer, enterprise=world.b, type="benchmark", year=2025)
    assert _names(world.reviewer, recognition="benchmark") == {world.b.name}
    ordered = [
        e.name
        for e in selectors.enterprise_list_for(user=world.reviewer, filters={"ordering": "-year"})
    ]
    assert ordered[0] == "丙平台公司"  # the only one with a year; blanks sort last


def test_editable_fields(world) -> None:
    assert "status" not in selectors.editable_fields_for(world.user_a, world.a)
    assert "contact_phone" in selectors.editable_fields_for(world.user_a, world.a)
    assert selectors.editable_fields_for(world.user_a, world.b) == frozenset()
    assert selectors.editable_fields_for(world.partner, world.a) == frozenset()
    assert selectors.editable_fields_for(world.finance, world.a) == frozenset()
    assert "status" in selectors.editable_fields_for(world.reviewer, world.b)


def test_completeness(world) -> None:
    missing = dict(selectors.missing_profile_fields(world.a))
    assert "contact_phone" not in missing and "address" in missing
    assert 0 < selectors.profile_completeness(world.a) < 100
