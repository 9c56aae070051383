"""The completeness dashboard: counts and lists by status, overdue regions, progress per city."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.collection.models import Extension, Submission
from tests.assessment.builders import make_open_round


def progress_url(round_) -> str:
    return reverse("assessment:progress", args=[round_.pk])


def set_status(round_, status: str, *codes: str) -> None:
    Submission.objects.filter(round=round_, region_id__in=codes).update(status=status)


def test_counts_by_status_and_percent_per_city(client, open_round, supervisor_zhejiang):
    set_status(open_round, "submitted", "330106", "330108")
    set_status(open_round, "approved", "330102")
    set_status(open_round, "draft", "330203")
    client.force_login(supervisor_zhejiang)
    response = client.get(progress_url(open_round))
    assert response.status_code == 200
    page = response.content.decode()
    count = {
        status: page.split(f'data-testid="count-{status}">')[1].split("<")[0]
        for status in ("not_started", "draft", "submitted", "approved", "returned")
    }
    assert count == {
        "not_started": "97",
        "draft": "1",
        "submitted": "2",
        "approved": "1",
        "returned": "0",
    }
    page_obj = response.context["page"]
    hangzhou = next(g for g in page_obj.groups if g.code == "330100")
    assert hangzhou.name == "杭州市" and hangzhou.total == 14
    assert hangzhou.percent_done == round(100 * 3 / 14)
    assert len(page_obj.groups) == 11  # Zhejiang's cities


def test_the_chart_is_embedded_as_json_with_chinese_titles(client, open_round, supervisor_zhejiang):
    client.force_login(supervisor_zhejiang)
    page = client.get(progress_url(open_round)).content.decode()
    assert 'id="progress-data"' in page and "js/progress.js" in page
    assert "vendor/plotly/plotly.min.js" in page
    data = json.loads(page.split('id="progress-data" type="application/json">')[1].split("<")[0])
    assert len(data["data"]) == 5 and data["data"][0]["y"][0] == "杭州市"
    assert data["data"][0]["name"] == "未开始"
    assert data["layout"]["barmode"] == "stack"
    assert data["layout"]["title"]["text"] == "填报进度（按地市）"
    assert data["layout"]["xaxis"]["title"]["text"] == "地区数"
    assert "<script>" not in page  # no inline script: data travels as JSON


def test_overdue_regions_are_highlighted(client, open_round, supervisor_hangzhou):
    open_round.closes_at = timezone.now() - timedelta(hours=1)
    open_round.save()
    set_status(open_round, "submitted", "330106")
    Extension.objects.create(
        submission=Submission.objects.get(round=open_round, region_id="330108"),
        closes_at=timezone.now() + timedelta(days=2),
        reason="r",
    )
    client.force_login(supervisor_hangzhou)
    page = client.get(progress_url(open_round)).content.decode()
    assert 'data-testid="overdue-330102"' in page  # not started, deadline passed
    assert 'data-testid="overdue-330106"' not in page  # submitted in time
    assert 'data-testid="overdue-330108"' not in page  # extended
    assert page.split('data-testid="count-overdue">')[1].split("<")[0] == "12"


def test_supervisors_see_their_subtree_only(client, open_round, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    page = client.get(progress_url(open_round)).content.decode()
    assert "西湖区" in page and "海曙区" not in page


def test_a_city_supervisor_sees_progress_region_by_region(client, open_round, supervisor_hangzhou):
    set_status(open_round, "submitted", "330106")
    client.force_login(supervisor_hangzhou)
    response = client.get(progress_url(open_round))
    progress = response.context["page"]
    assert progress.group_level == "region"  # one city: a single 杭州市 bar says nothing
    assert len(progress.groups) == 14 and {g.total for g in progress.groups} == {1}
    xihu = next(g for g in progress.groups if g.code == "330106")
    assert (xihu.name, xihu.counts) == ("西湖区", {"submitted": 1})
    page = response.content.decode()
    assert "按地区" in page
    data = json.loads(page.split('id="progress-data" type="application/json">')[1].split("<")[0])
    assert data["layout"]["title"]["text"] == "填报进度（按地区）"
    assert "西湖区" in data["data"][0]["y"]


@pytest.mark.parametrize(
    ("user", "status"),
    [("staff_xihu", 403), ("evaluator_zhejiang", 403), ("other_staff", 404), ("nobody", 404)],
)
def test_the_dashboard_is_for_supervisors(client, open_round, user, status, request):
    client.force_login(request.getfixturevalue(user))
    assert client.get(progress_url(open_round)).status_code == status


def test_a_nationwide_round_is_grouped_by_province(client, default_system, regions, administrator):
    round_ = make_open_round(default_system, scope=None, levels=("province", "city", "county"))
    client.force_login(administrator)
    response = client.get(progress_url(round_))
    groups = response.context["page"].groups
    assert response.context["page"].group_level == "province"
    # 31 provinces and 兵团 (a national round leaves out 台湾, 香港, 澳门)
    assert len(groups) == 32 and sum(g.total for g in groups) == 3211


@pytest.mark.parametrize("size", [2, 50])
def test_the_same_queries_for_2_or_50_regions(
    client, default_system, regions, supervisor_zhejiang, size, django_assert_num_queries
):
    round_ = make_open_round(default_system)
    keep = Submission.objects.filter(round=round_).order_by("region_id")[:size]
    Submission.objects.filter(round=round_).exclude(
        pk__in=list(keep.values_list("pk", flat=True))
    ).delete()
    client.force_login(supervisor_zhejiang)
    # session, user, grants, round, submissions with regions and extensions, group names,
    # the last reminder (催报) of each region, the navigation's unread notifications,
    # session save (savepoint, update, release)
    with django_assert_num_queries(11):
        response = client.get(progress_url(round_))
    assert response.context["page"].total == size
