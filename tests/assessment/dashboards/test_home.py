"""The home page shows each role what it needs, with a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.demo.demo import seed_demo


@pytest.fixture
def demo(db):
    seed_demo()


def home_as(client, username: str) -> str:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("assessment:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("assessment:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_see_their_own_region_and_submission_status(client, demo):
    page = home_as(client, "staff-330106")
    assert 'data-testid="home-staff"' in page
    assert "西湖区" in page and "浙江省2026年度数字政府成熟度评估" in page
    assert 'data-testid="home-supervisor"' not in page
    assert "滨江区" not in page


def test_supervisor_sees_progress_of_their_subtree(client, demo):
    page = home_as(client, "supervisor-330100")
    assert 'data-testid="home-supervisor"' in page
    # Hangzhou has 1 city + 13 counties in the demo rounds.
    assert ">14<" in page.replace(" ", "")
    assert 'data-testid="home-staff"' not in page


def test_evaluator_sees_rounds_and_reports(client, demo):
    page = home_as(client, "evaluator")
    assert 'data-testid="home-evaluator"' in page
    assert page.count("浙江省20") >= 3


def test_user_without_a_role_is_told_so(client, nobody):
    client.force_login(nobody)
    page = client.get(reverse("assessment:home")).content.decode()
    assert 'data-testid="no-role"' in page


@pytest.mark.parametrize("username", ["supervisor", "staff-330106", "evaluator", "admin"])
def test_home_query_count_is_fixed(client, demo, username, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    # session, user, memberships, rounds, own regions + own submissions + own task counts
    # (staff) or grouped counts (supervisor), the to-do counts (supervisor: reviews, tasks to
    # verify, practices; evaluator: unverified submissions, appeals; admin: appeals), then the
    # session save (savepoint, update, release)
    with django_assert_max_num_queries(12):
        client.get(reverse("assessment:home"))


def test_each_role_starts_from_its_to_do_list(client, demo):
    """Staff see what to fill and what came back, a city supervisor what to review, an
    evaluator what to verify and decide: counts that lead to the page where the work is."""
    from django.contrib.auth import get_user_model

    from assessment.collection.models import Submission

    users = get_user_model().objects
    client.force_login(users.get(username="supervisor-330100"))
    page = client.get(reverse("assessment:home")).content.decode()
    waiting = Submission.objects.filter(status="submitted", region__code__startswith="3301").count()
    card = page.split('data-testid="todo-reviews"')[1].split("</a>")[0]
    assert f'<span class="todo-count">{waiting}</span>' in card and "待审核" in card
    assert 'href="/review/"' in page.split('data-testid="todo-reviews"')[0][-200:]

    client.force_login(users.get(username="evaluator"))
    page = client.get(reverse("assessment:home")).content.decode()
    assert 'data-testid="todo-verify"' in page and 'data-testid="todo-appeals"' in page
    assert 'data-testid="evaluator-links-' in page  # round cards lead somewhere

    client.force_login(users.get(username="staff-330106"))
    page = client.get(reverse("assessment:home")).content.decode()
    assert 'data-testid="todo-' in page
    # Past, approved rounds are viewed, not "filled in".
    assert 'data-testid="open-entry-2025"' not in page and 'data-testid="view-entry-2025"' in page
