"""The loop on the pages around it: the region profile, its Excel report, the home page,
the task list ("my tasks"), and tasks a supervisor creates by hand."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.rectification.models import Practice, PracticeStatus, RectificationTask, TaskOrigin
from tests.assessment.dashboards.reports.conftest import workbook


def profile_url(round_, code: str) -> str:
    return reverse("assessment:profile", args=[round_.pk, code])


def approved_practice(round_, code: str = "330108", leaf: str = "DS.1.1") -> Practice:
    return Practice.objects.create(
        round=round_, region_id=code, indicator=round_.system.indicators.get(code=leaf),
        title="目录编制三步法", description="做法", results="成效", contacts="联系人",
        status=PracticeStatus.APPROVED,
    )  # fmt: skip


def test_the_profile_lists_open_tasks_and_practices(client, published, supervisor_hangzhou):
    approved_practice(published)
    client.force_login(supervisor_hangzhou)
    response = client.get(profile_url(published, "330106"))
    profile = response.context["profile"]
    assert [t.indicator.code for t in profile.rectification_tasks] == ["DS", "DS.1.1", "SV.4.2"]
    assert profile.task_practices == {"DS.1.1": 1}
    page = response.content.decode()
    assert 'data-testid="profile-task-table"' in page and "1 个案例" in page
    assert 'data-testid="create-task"' in page and 'data-testid="invite-form"' in page
    strong = client.get(profile_url(published, "330108")).context["profile"]
    assert [p.title for p in strong.shared_practices] == ["目录编制三步法"]


def test_verified_tasks_leave_the_profile(client, published, xihu_task, staff_xihu):
    RectificationTask.objects.filter(pk=xihu_task.pk).update(status="verified")
    client.force_login(staff_xihu)
    response = client.get(profile_url(published, "330106"))
    assert "DS.1.1" not in [
        t.indicator.code for t in response.context["profile"].rectification_tasks
    ]
    page = response.content.decode()
    assert 'data-testid="create-task"' not in page and 'data-testid="share-practice"' in page


@pytest.mark.parametrize("count", [2, 50])
def test_the_profile_with_tasks_runs_a_fixed_number_of_queries(
    client, published, supervisor_zhejiang, count, django_assert_num_queries
):
    for _ in range(count):
        approved_practice(published, code="330108")
    client.force_login(supervisor_zhejiang)
    # as tests/assessment/dashboards/test_profile_view.py (23), minus the earlier rounds'
    # results (there are none), plus the practices on the indicators of the open tasks
    with django_assert_num_queries(23):
        assert client.get(profile_url(published, "330106")).status_code == 200


def test_the_region_report_has_the_task_sheet(client, published, evaluator_zhejiang, staff_xihu):
    client.force_login(evaluator_zhejiang)
    response = client.get(reverse("assessment:profile_report", args=[published.pk, "330106"]))
    sheet = workbook(response)["整改任务"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[1] for row in rows] == ["DS 跨层级跨地区跨部门数据共享",
                                        "DS.1.1 政务数据目录编制覆盖率",
                                        "SV.4.2 差评按期整改率"]  # fmt: skip
    assert rows[1][0].startswith("DS.1.1 政务数据目录编制覆盖率 得分 45.00")
    assert rows[1][2] == "待整改" and rows[1][4] == "staff-330106"


def test_staff_see_their_tasks_from_home(client, published, staff_xihu):
    client.force_login(staff_xihu)
    home = client.get(reverse("assessment:home")).content.decode()
    assert 'data-testid="home-tasks"' in home and "待整改 3 项" in home
    assert 'data-testid="nav-tasks"' in home and "我的整改任务" in home
    listing = client.get(reverse("assessment:task_list"))
    assert {t.region_id for t in listing.context["page"]} == {"330106"}
    assert listing.context["page"].paginator.count == 3


def test_supervisors_reach_the_progress_page_from_home(client, published, supervisor_zhejiang):
    client.force_login(supervisor_zhejiang)
    home = client.get(reverse("assessment:home")).content.decode()
    assert f'data-testid="home-progress-{published.pk}"' in home
    assert 'data-testid="nav-practices"' in home
    listing = client.get(reverse("assessment:task_list") + "?region=330200")
    assert {t.region_id for t in listing.context["page"]} == {"330203"}


@pytest.mark.parametrize("count", [2, 50])
def test_the_task_list_runs_a_fixed_number_of_queries(
    client, published, supervisor_zhejiang, count, django_assert_num_queries
):
    leaf = published.system.indicators.get(code="DS.1.2")
    RectificationTask.objects.bulk_create(
        RectificationTask(round=published, region_id="330106", indicator=leaf, title=f"任务 {i}",
                          finding="发现", due_date=published.published_at.date())
        for i in range(count)
    )  # fmt: skip
    client.force_login(supervisor_zhejiang)
    # session, user, memberships, published rounds, count, page (with round, region and
    # indicator), the navigation's unread notifications, then the session save (3)
    with django_assert_num_queries(10):
        assert client.get(reverse("assessment:task_list")).status_code == 200


def test_a_supervisor_creates_a_task_by_hand(client, published, supervisor_hangzhou):
    url = reverse("assessment:task_new", args=[published.pk, "330106"])
    client.force_login(supervisor_hangzhou)
    leaf = published.system.indicators.get(code="BL.1.1")
    form = client.get(url + f"?indicator={leaf.pk}").content.decode()
    assert f'<option value="{leaf.pk}" selected>' in form
    response = client.post(url, {"indicator": leaf.pk, "title": "", "finding": "接口开通慢。",
                                 "due_date": "2030-12-31"})  # fmt: skip
    task = RectificationTask.objects.get(round=published, region_id="330106", indicator=leaf)
    assert response["Location"] == reverse("assessment:task_detail", args=[task.pk])
    assert task.origin == TaskOrigin.MANUAL and task.title == "BL.1.1 部委接口开通率"
    assert task.score == 80.0 and task.created_by == supervisor_hangzhou
    assert task.events.get().text == "接口开通慢。"


def test_only_supervisors_over_the_region_create_tasks(
    client, published, staff_xihu, evaluator_zhejiang, supervisor_ningbo
):
    url = reverse("assessment:task_new", args=[published.pk, "330106"])
    for user, status in ((staff_xihu, 403), (evaluator_zhejiang, 403), (supervisor_ningbo, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, {}).status_code == status


def test_the_ranking_offers_a_new_task_only_where_the_user_supervises(
    client, published, supervisor_hangzhou, evaluator_zhejiang
):
    url = reverse("assessment:ranking", args=[published.pk]) + "?level=county&show=all"
    client.force_login(supervisor_hangzhou)
    response = client.get(url)
    page = response.content.decode()
    new_task = reverse("assessment:task_new", args=[published.pk, "330106"])
    assert f'href="{new_task}"' in page
    rows = response.context["page_rows"]  # show=all: every row (result.rows is released)
    assert rows and all(row.code.startswith("3301") for row in rows)
    assert page.count('data-testid="ranking-new-task"') == len(rows)  # one per row
    assert client.get(new_task).status_code == 200
    client.force_login(evaluator_zhejiang)
    assert 'data-testid="ranking-new-task"' not in client.get(url).content.decode()


def test_the_task_list_finds_tasks_by_name_as_well_as_by_code(
    client, published, supervisor_zhejiang
):
    from assessment.rectification.models import RectificationTask

    client.force_login(supervisor_zhejiang)
    listing = client.get(reverse("assessment:task_list") + "?region=西湖")
    regions = {task.region.name for task in listing.context["page"].object_list}
    assert regions == {"西湖区"}
    code = RectificationTask.objects.filter(round=published).exclude(indicator=None).first()
    prefix = code.indicator.code
    listing = client.get(reverse("assessment:task_list") + f"?region={prefix}")
    found = listing.context["page"].object_list
    assert found and all(t.indicator and t.indicator.code.startswith(prefix) for t in found)
