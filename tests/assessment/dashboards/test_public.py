"""The public display (晾晒): published rounds only, no login, nothing personal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.collection.models import RoundStatus
from tests.assessment.dashboards.builders import round_of_counties


def url(round_, query: str = "") -> str:
    return reverse("assessment:public_round", args=[round_.pk]) + query


@pytest.fixture
def published(rounds):
    first, second = rounds
    second.status = RoundStatus.PUBLISHED
    second.save()
    return first, second


def test_anyone_sees_a_published_round_without_logging_in(client, published):
    _, second = published
    response = client.get(url(second, "?level=county"))
    assert response.status_code == 200
    page = response.content.decode()
    for part in ("public-level-race", "public-progress-race", "methodology"):
        assert f'data-testid="{part}"' in page
    for chart in ("race", "progress", "distribution"):
        assert f'id="chart-{chart}-data"' in page
    assert "上城区" in page and "海曙区" in page
    assert 'href="/results/' not in page  # no links into the logged-in pages


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED])
def test_unpublished_rounds_do_not_exist_publicly(client, rounds, status, administrator):
    _, second = rounds
    second.status = status
    second.save()
    assert client.get(url(second)).status_code == 404
    client.force_login(administrator)  # not even for administrators: publish first
    assert client.get(url(second)).status_code == 404


def test_a_published_round_without_results_does_not_exist_publicly(client, published):
    _, second = published
    second.computed_at = None
    second.save()
    assert client.get(url(second)).status_code == 404


def test_no_personal_data_and_no_unpublished_history(client, published, staff_xihu):
    first, second = published
    first.status = RoundStatus.CLOSED  # the earlier round was withdrawn
    first.save()
    page = client.get(url(second, "?level=county")).content.decode()
    assert "staff-330106" not in page and "@" not in page
    assert '"x": ["2025"]' in page  # the distribution covers published rounds only
    assert "2024" not in page.split('id="chart-distribution-data"')[1].split("</script>")[0]


def test_the_public_index_lists_published_rounds_only(client, published):
    first, second = published
    first.status = RoundStatus.CLOSED
    first.save()
    page = client.get(reverse("assessment:public_index")).content.decode()
    assert url(second) in page and url(first) not in page


@pytest.mark.parametrize("count", [2, 50])
def test_query_count_is_fixed(client, regions, default_system, count, django_assert_num_queries):
    round_ = round_of_counties(default_system, count)
    # round (with its previous round), indicator tree, maturity levels, parent choices,
    # published comparable rounds, regions, overall results, area results, score changes,
    # earlier rounds' overall results; no session for an anonymous reader
    with django_assert_num_queries(10):
        response = client.get(url(round_, "?level=county"))
    assert response.status_code == 200
