"""A published system cannot be edited, by model validation or the admin; new versions can."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Indicator, IndicatorSystem, LevelGate, MaturityLevel, SystemStatus
from indicators.services import leaf_points, system_new_version, system_publish


def test_saving_an_indicator_of_a_published_system_is_refused(default_system):
    leaf = Indicator.objects.get(system=default_system, code="DS.1.1")
    leaf.weight = 5
    with pytest.raises(ValidationError, match="已发布，不能修改"):
        leaf.full_clean()
    with pytest.raises(ValidationError, match="已发布，不能修改"):
        leaf.save()
    with pytest.raises(ValidationError):
        leaf.delete()
    leaf.refresh_from_db()
    assert leaf.weight == 2.5


def test_levels_and_gates_of_a_published_system_are_locked(default_system):
    level = MaturityLevel.objects.get(system=default_system, code="L3")
    level.min_score = 10
    with pytest.raises(ValidationError):
        level.save()
    gate = LevelGate.objects.filter(level__system=default_system).first()
    with pytest.raises(ValidationError):
        gate.delete()


def test_published_system_fields_are_locked_but_it_may_be_retired(default_system):
    default_system.name_zh = "改名"
    with pytest.raises(ValidationError, match="已发布"):
        default_system.full_clean()
    default_system.refresh_from_db()
    default_system.status = SystemStatus.RETIRED
    default_system.full_clean()  # retiring is the one allowed change


def test_new_version_is_an_editable_copy_of_the_whole_system(default_system):
    draft = system_new_version(system=default_system)
    assert (draft.code, draft.version, draft.status) == ("dgma", 2, SystemStatus.DRAFT)
    assert draft.based_on == default_system
    assert leaf_points(draft) == leaf_points(default_system)
    copied = Indicator.objects.get(system=draft, code="DS.1.1")
    assert copied.parent.code == "DS.1" and copied.parent.system == draft
    gates = set(
        LevelGate.objects.filter(level__system=draft).values_list(
            "indicator__code", "indicator__system"
        )
    )
    assert gates == {(c, draft.pk) for c in ("DS.3.1", "SV.4.2", "PP.2.2", "DS.5.2")}
    copied.weight = 5
    copied.full_clean()
    copied.save()  # the draft is editable
    assert Indicator.objects.get(system=default_system, code="DS.1.1").weight == 2.5


def test_publishing_checks_the_tree(default_system):
    draft = system_new_version(system=default_system)
    leaf = Indicator.objects.get(system=draft, code="DS.1.1")
    leaf.rule = "yesno"  # a yes/no rule on a percentage makes no sense
    leaf.save()
    with pytest.raises(ValidationError, match=r"DS\.1\.1"):
        system_publish(system=draft)
    draft.refresh_from_db()
    assert draft.status == SystemStatus.DRAFT
    leaf.rule = "goalposts"
    leaf.save()
    system_publish(system=draft)
    assert IndicatorSystem.objects.get(pk=draft.pk).status == SystemStatus.PUBLISHED


def test_admin_refuses_to_edit_a_published_indicator_and_says_why(
    client, administrator, default_system
):
    client.force_login(administrator)
    leaf = Indicator.objects.get(system=default_system, code="DS.1.1")
    url = reverse("admin:indicators_indicator_change", args=[leaf.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "已发布，不能修改" in page.content.decode()
    assert 'name="weight"' not in page.content.decode()  # read-only view
    response = client.post(url, {"weight": "9", "code": "DS.1.1"})
    assert response.status_code == 403
    leaf.refresh_from_db()
    assert leaf.weight == 2.5


def test_admin_shows_the_tree_with_points_and_copies_a_version(
    client, administrator, default_system
):
    client.force_login(administrator)
    page = client.get(
        reverse("admin:indicators_indicator_changelist"), {"system__id__exact": default_system.pk}
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert "DS.1.1" in content and "2.50" in content  # points of 100
    system_page = client.get(
        reverse("admin:indicators_indicatorsystem_change", args=[default_system.pk])
    )
    assert "indicator-tree" in system_page.content.decode()
    client.post(
        reverse("admin:indicators_indicatorsystem_changelist"),
        {"action": "new_version", "_selected_action": [default_system.pk]},
    )
    assert IndicatorSystem.objects.filter(code="dgma", version=2, status="draft").exists()
