"""Dangerous one-click buttons ask first, in numbers: computing results (with a warning when
few regions are approved) and unpublishing them."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from assessment.collection.models import RoundStatus, Submission, SubmissionStatus
from tests.assessment.builders import make_open_round


def question(page: str, testid: str) -> str:
    """The data-confirm text of the button with this data-testid."""
    button = re.search(rf'<button[^>]*data-testid="{testid}"[^>]*>', page, re.S)
    assert button, f"no button {testid}"
    found = re.search(r'data-confirm="([^"]*)"', button.group(0))
    assert found, f"button {testid} asks nothing"
    return html.unescape(found.group(1))


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


@pytest.fixture
def open_round(default_system, regions):
    """Zhejiang's 101 cities and counties, one of them (西湖区) approved."""
    round_ = make_open_round(default_system)
    Submission.objects.filter(round=round_, region_id="330106").update(
        status=SubmissionStatus.APPROVED
    )
    return round_


def test_computing_an_open_round_warns_with_the_counts(client, open_round, administrator):
    client.force_login(administrator)
    page = client.get(reverse("assessment:home")).content.decode()
    warning = page.split(f'data-testid="compute-warning-{open_round.pk}"')[1].split("</div>")[0]
    assert sorted(numbers(warning)) == [1, 101]  # approved of all
    asked = question(page, f"compute-{open_round.pk}")
    assert sorted(numbers(asked)) == [1, 100, 101]  # approved, without a score, all
    # The warning comes before the button.
    assert page.index("compute-warning-") < page.index(f'data-testid="compute-{open_round.pk}"')


def test_a_closed_round_mostly_approved_is_computed_without_a_warning(
    client, open_round, administrator
):
    Submission.objects.filter(round=open_round).update(status=SubmissionStatus.APPROVED)
    Submission.objects.filter(round=open_round, region_id="330203").update(
        status=SubmissionStatus.RETURNED
    )
    open_round.status = RoundStatus.CLOSED
    open_round.save()
    client.force_login(administrator)
    page = client.get(reverse("assessment:home")).content.decode()
    assert f"compute-warning-{open_round.pk}" not in page
    assert sorted(numbers(question(page, f"compute-{open_round.pk}"))) == [1, 100, 101]
    assert 'name="confirm" value="yes"' in page


def test_unpublishing_says_how_many_regions_lose_their_results(client, rounds, administrator):
    published, _closed = rounds  # 2024: results for 6 regions
    client.force_login(administrator)
    listed = client.get(reverse("assessment:results")).content.decode()
    assert 6 in numbers(question(listed, f"unpublish-{published.pk}"))
    ranking = client.get(reverse("assessment:ranking", args=[published.pk])).content.decode()
    assert 6 in numbers(question(ranking, f"unpublish-{published.pk}"))
