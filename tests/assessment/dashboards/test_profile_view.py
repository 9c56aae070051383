"""The region profile page: supervisors of the subtree, staff once published, fixed queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.collection.models import RoundStatus
from tests.assessment.dashboards.builders import round_of_counties


def url(round_, code: str) -> str:
    return reverse("assessment:profile", args=[round_.pk, code])


def test_supervisor_opens_a_profile_in_their_subtree(client, rounds, supervisor_hangzhou):
    _, second = rounds
    client.force_login(supervisor_hangzhou)
    page = client.get(url(second, "330106")).content.decode()
    assert "西湖区" in page and "58.00" in page and "+8.00" in page
    for part in ("profile-areas", "profile-tree", "profile-history", "profile-tasks"):
        assert f'data-testid="{part}"' in page
    for chart in ("radar", "dimensions", "history"):
        assert f'id="chart-{chart}-data"' in page
    assert 'data-testid="back-to-ranking"' in page
    assert client.get(url(second, "330203")).status_code == 404  # Ningbo


def test_staff_see_their_own_profile_only_once_published(client, rounds, staff_xihu):
    _, second = rounds
    client.force_login(staff_xihu)
    assert client.get(url(second, "330106")).status_code == 404  # closed, not published
    second.status = RoundStatus.PUBLISHED
    second.save()
    page = client.get(url(second, "330106")).content.decode()
    assert "西湖区" in page
    assert 'data-testid="back-to-ranking"' not in page  # no ranking for staff
    assert client.get(url(second, "330108")).status_code == 404  # a neighbour's profile


def test_regions_outside_the_round_or_without_results_have_no_profile(
    client, rounds, administrator
):
    _, second = rounds
    client.force_login(administrator)
    assert client.get(url(second, "110101")).status_code == 404  # Beijing: not in the round
    assert client.get(url(second, "999999")).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, rounds):
    _, second = rounds
    assert client.get(url(second, "330106"))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("count", [2, 50])
def test_query_count_is_fixed(
    client, supervisor_zhejiang, default_system, count, django_assert_num_queries
):
    round_ = round_of_counties(default_system, count)
    client.force_login(supervisor_zhejiang)
    # session, user, memberships, round, region, indicator tree, maturity levels, comparable
    # rounds, peer statistics (with the best region), the region's and the best peer's
    # results, earlier overall results, score changes, the explanations' leaves with the
    # region's values and the levels with their gates, open rectification tasks, practices
    # shared by the region, the values verifiers corrected, the expert panel's cells, the
    # verified values (the marks of where each value came from), the unread notifications
    # in the navigation, then the session save (3).
    # With open tasks, one more: the practices on their indicators
    # (tests/assessment/rectification/test_profile_and_pages.py).
    with django_assert_num_queries(23):
        assert client.get(url(round_, "330102")).status_code == 200
