"""Access helpers for every role: who sees which regions; 404 for invisible, 403 for wrong role."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessment.regions.access import (
    can_see_region,
    get_region_for_user,
    require_role,
    roles_on,
    visibility_filter,
)
from assessment.regions.models import Region, Role


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def visible_regions(user):
    return Region.objects.filter(visibility_filter(user))


def test_staff_see_only_their_own_region(staff_xihu):
    assert codes(visible_regions(staff_xihu)) == {"330106"}
    assert get_region_for_user(staff_xihu, "330106").name == "西湖区"
    for other in ("330108", "330100", "330000", "330203"):
        with pytest.raises(Http404):
            get_region_for_user(staff_xihu, other)


def test_supervisors_see_their_whole_subtree(supervisor_hangzhou):
    visible = codes(visible_regions(supervisor_hangzhou))
    assert "330100" in visible and "330106" in visible and "330108" in visible
    assert "330200" not in visible and "330203" not in visible and "330000" not in visible
    with pytest.raises(Http404):
        get_region_for_user(supervisor_hangzhou, "330203")


def test_provincial_evaluator_sees_all_of_zhejiang_only(evaluator_zhejiang):
    visible = codes(visible_regions(evaluator_zhejiang))
    assert len(visible) == 102
    assert "110101" not in visible


def test_administrators_see_everything(administrator):
    assert visible_regions(administrator).count() == 3214
    require_role(administrator, Region.objects.get(code="110101"), [Role.STAFF])


def test_no_role_sees_nothing(nobody):
    assert not visible_regions(nobody).exists()
    assert not can_see_region(nobody, Region.objects.get(code="330106"))


def test_require_role_distinguishes_invisible_from_forbidden(
    staff_xihu, supervisor_hangzhou, evaluator_zhejiang
):
    xihu = Region.objects.get(code="330106")
    haishu = Region.objects.get(code="330203")
    require_role(staff_xihu, xihu, [Role.STAFF])
    with pytest.raises(PermissionDenied):  # sees it, but may not review
        require_role(staff_xihu, xihu, [Role.SUPERVISOR])
    require_role(supervisor_hangzhou, xihu, [Role.SUPERVISOR])
    with pytest.raises(PermissionDenied):  # a supervisor is not the region's staff
        require_role(supervisor_hangzhou, xihu, [Role.STAFF])
    with pytest.raises(Http404):  # another city's county does not exist for them
        require_role(supervisor_hangzhou, haishu, [Role.SUPERVISOR])
    with pytest.raises(PermissionDenied):
        require_role(evaluator_zhejiang, haishu, [Role.SUPERVISOR])
    assert roles_on(evaluator_zhejiang, haishu) == {Role.EVALUATOR}


def test_grants_are_loaded_once_per_user_object(supervisor_hangzhou, django_assert_num_queries):
    xihu = Region.objects.get(code="330106")
    with django_assert_num_queries(1):
        for _ in range(5):
            can_see_region(supervisor_hangzhou, xihu)
