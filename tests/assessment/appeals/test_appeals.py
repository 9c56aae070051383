"""The appeal cycle: provisional results with a window, appeals filed by a region's staff,
decisions by evaluators (correct, exempt, reject), a recompute that moves ranks, 非本级原因
problems sent up to departments, and the final publication that makes the rectification
tasks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.appeals.models import (
    Appeal,
    AppealStatus,
    Category,
    Department,
    DepartmentTask,
    TaskStatus,
)
from assessment.appeals.services import (
    CORRECT,
    EXEMPT,
    REJECT,
    AppealError,
    decide,
    file_appeal,
    publish_provisional,
)
from assessment.appeals.window import last_day
from assessment.collection.models import Round, RoundStatus
from assessment.jobs.models import Job
from assessment.rectification.models import RectificationTask
from assessment.rectification.services.publishing import PublishError, publish_round
from assessment.regions.models import Region, Role
from assessment.results.models import Exemption, Standing
from assessment.results.services.compute import compute_round
from assessment.verification.models import Verification
from tests.assessment.builders import fill_values
from tests.conftest import make_user

XIHU, BINJIANG = "330106", "330108"


@pytest.fixture
def computed(regions, default_system):
    """A closed round of Zhejiang's cities and counties, computed."""
    from tests.assessment.builders import make_round

    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    codes = Region.objects.filter(code__startswith="33", level__in=["city", "county"])
    fill_values(round_, codes.values_list("code", flat=True))
    compute_round(round_=round_, with_sensitivity=False)
    return Round.objects.get(pk=round_.pk)


@pytest.fixture
def provisional(computed, administrator):
    return publish_provisional(round_=computed, working_days=5, user=administrator)


@pytest.fixture
def department(regions):
    department = Department.objects.create(code="dsj", name="省大数据局")
    department.members.add(make_user("dsj-staff"))
    return department


def leaf(round_, code: str):
    return round_.system.indicators.get(code=code)


def appeal_for(round_, staff, code: str = "DS.1.1", **extra) -> Appeal:
    return file_appeal(
        round_=round_,
        region=Region.objects.get(code=XIHU),
        indicator=leaf(round_, code),
        category=extra.pop("category", Category.DATA_ERROR),
        department=extra.pop("department", None),
        statement="平台统计口径有误",
        user=staff,
        **extra,
    )


def test_provisional_results_open_a_window_staff_see_their_profile_public_stays_closed(
    provisional, staff_xihu, client
):
    assert provisional.is_provisional and provisional.status == RoundStatus.CLOSED
    assert provisional.appeals_close_at > timezone.now() + timedelta(days=5)
    client.force_login(staff_xihu)
    page = client.get(reverse("assessment:profile", args=[provisional.pk, XIHU]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="provisional"' in html and 'data-testid="appeal-link"' in html
    assert client.get(reverse("assessment:public_round", args=[provisional.pk])).status_code == 404


def test_final_publication_waits_for_the_window_and_the_decisions(
    provisional, staff_xihu, evaluator_zhejiang
):
    with pytest.raises(PublishError, match=str(last_day(provisional.appeals_close_at))):
        publish_round(round_=provisional)
    appeal = appeal_for(provisional, staff_xihu)
    Round.objects.filter(pk=provisional.pk).update(appeals_close_at=timezone.now())
    provisional.refresh_from_db()
    with pytest.raises(PublishError):  # one appeal is still open
        publish_round(round_=provisional)
    assert not RectificationTask.objects.filter(round=provisional).exists()
    decide(appeal=appeal, action=REJECT, reason="口径正确", user=evaluator_zhejiang)
    published = publish_round(round_=provisional)
    assert published.status == RoundStatus.PUBLISHED and published.tasks_created > 0


def test_one_open_appeal_per_indicator_and_none_after_the_window(provisional, staff_xihu):
    appeal_for(provisional, staff_xihu)
    with pytest.raises(AppealError, match=r"DS\.1\.1"):
        appeal_for(provisional, staff_xihu)
    appeal_for(provisional, staff_xihu, code="DS")  # an area may be appealed too
    Round.objects.filter(pk=provisional.pk).update(
        appeals_close_at=timezone.now() - timedelta(seconds=1)
    )
    provisional.refresh_from_db()
    with pytest.raises(AppealError) as refused:
        appeal_for(provisional, staff_xihu, code="SV.1.1")
    assert str(provisional.appeals_close_at.date()) in str(refused.value) or "202" in str(
        refused.value
    )


def test_blocked_upstream_needs_a_department(provisional, staff_xihu, department):
    with pytest.raises(AppealError):
        appeal_for(provisional, staff_xihu, category=Category.UPSTREAM)
    appeal = appeal_for(provisional, staff_xihu, category=Category.UPSTREAM, department=department)
    assert appeal.department == department


def test_nobody_decides_an_appeal_of_their_own_region(provisional, staff_xihu, regions):
    appeal = appeal_for(provisional, staff_xihu)
    both = make_user("evaluator-and-staff", XIHU, Role.STAFF)
    from assessment.regions.models import Membership

    Membership.objects.create(user=both, region_id="330000", role=Role.EVALUATOR)
    with pytest.raises(AppealError):
        decide(appeal=appeal, action=REJECT, reason="x", user=both)


def test_accepting_a_correction_verifies_the_value_and_queues_a_recompute(
    provisional, staff_xihu, evaluator_zhejiang
):
    appeal = appeal_for(provisional, staff_xihu)
    decided, recompute = decide(
        appeal=appeal, action=CORRECT, value="99", reason="核实无误", user=evaluator_zhejiang
    )
    assert recompute and decided.status == AppealStatus.ACCEPTED
    assert decided.corrected_value == Decimal(99)
    verified = Verification.objects.get(
        submission__round=provisional, submission__region_id=XIHU, indicator__code="DS.1.1"
    )
    assert verified.verified_value == Decimal(99) and verified.corrected
    assert (
        decided.ranks_before[XIHU] == Standing.objects.get(round=provisional, region_id=XIHU).rank
    )
    job = Job.objects.get(kind="results.compute", params__round=provisional.pk)
    assert job.owner == evaluator_zhejiang
    with pytest.raises(AppealError):  # decided once
        decide(appeal=decided, action=REJECT, reason="x", user=evaluator_zhejiang)


def test_a_bad_corrected_value_is_refused_and_nothing_changes(
    provisional, staff_xihu, evaluator_zhejiang
):
    from django.core.exceptions import ValidationError

    appeal = appeal_for(provisional, staff_xihu)
    with pytest.raises(ValidationError):
        decide(appeal=appeal, action=CORRECT, value="150", reason="x", user=evaluator_zhejiang)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN and not Verification.objects.exists()


def test_an_accepted_upstream_appeal_exempts_and_becomes_a_department_task(
    provisional, staff_xihu, evaluator_zhejiang, department, client
):
    appeal = appeal_for(
        provisional, staff_xihu, code="BL.1.1", category=Category.UPSTREAM, department=department
    )
    decided, _ = decide(
        appeal=appeal, action=CORRECT, value="1", reason="部委接口未开通", user=evaluator_zhejiang
    )
    assert decided.outcome == "exempted"  # a problem upstream is never the region's value
    assert Exemption.objects.filter(
        round=provisional, region_id=XIHU, indicator__code="BL.1.1"
    ).exists()
    task = DepartmentTask.objects.get(appeal=appeal)
    assert task.department == department and task.status == TaskStatus.OPEN
    member = department.members.get()
    client.force_login(member)
    board = client.get(reverse("assessment:department_board")).content.decode()
    assert f'data-testid="task-{task.pk}"' in board
    client.post(
        reverse("assessment:department_resolve", args=[task.pk]), {"resolution": "接口已开通"}
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.RESOLVED and task.resolved_by == member


def test_exempting_an_area_exempts_its_leaves(provisional, staff_xihu, evaluator_zhejiang):
    appeal = appeal_for(provisional, staff_xihu, code="PP")
    decide(appeal=appeal, action=EXEMPT, reason="不适用", user=evaluator_zhejiang)
    exempt = set(
        Exemption.objects.filter(round=provisional, region_id=XIHU).values_list(
            "indicator__code", flat=True
        )
    )
    assert exempt and all(code.startswith("PP.") for code in exempt)
    assert (
        len(exempt)
        == provisional.system.indicators.filter(code__startswith="PP.")
        .exclude(value_type="")
        .count()
    )


def test_a_department_member_sees_only_their_department(
    provisional, staff_xihu, evaluator_zhejiang, department, client
):
    other = Department.objects.create(code="gat", name="省公安厅")
    appeal = appeal_for(
        provisional, staff_xihu, code="BL.1.1", category=Category.UPSTREAM, department=other
    )
    decide(appeal=appeal, action=EXEMPT, reason="x", user=evaluator_zhejiang)
    task = DepartmentTask.objects.get(appeal=appeal)
    client.force_login(department.members.get())
    assert (
        f'data-testid="task-{task.pk}"'
        not in client.get(reverse("assessment:department_board")).content.decode()
    )
    response = client.post(
        reverse("assessment:department_resolve", args=[task.pk]), {"resolution": "x"}
    )
    assert response.status_code == 404


def test_staff_file_through_the_page_and_the_evaluator_decides_through_the_page(
    provisional, staff_xihu, evaluator_zhejiang, client
):
    client.force_login(staff_xihu)
    url = reverse("assessment:appeal_new", args=[provisional.pk, XIHU])
    ds11 = leaf(provisional, "DS.1.1")
    bad = client.post(url, {"indicator": ds11.pk, "category": "upstream", "statement": "x"})
    assert bad.status_code == 400 and "department" in bad.context["form"].errors
    response = client.post(
        url, {"indicator": ds11.pk, "category": "data_error", "statement": "统计口径有误"}
    )
    appeal = Appeal.objects.get(round=provisional, region_id=XIHU)
    assert response.status_code == 302 and response["Location"].endswith(f"/appeals/{appeal.pk}/")
    client.force_login(evaluator_zhejiang)
    queue = client.get(reverse("assessment:appeal_queue")).content.decode()
    assert f'data-testid="queue-{XIHU}-DS.1.1"' in queue
    decided = client.post(
        reverse("assessment:appeal_decide", args=[appeal.pk]),
        {"action": "reject", "reason": "证据不足"},
    )
    assert decided.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED and appeal.decided_by == evaluator_zhejiang
    client.force_login(staff_xihu)
    page = client.get(reverse("assessment:profile", args=[provisional.pk, XIHU])).content.decode()
    assert "证据不足" in page  # the region reads the decision on its profile


def test_the_queue_reads_a_fixed_number_of_queries(
    provisional, staff_xihu, evaluator_zhejiang, client, regions
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(evaluator_zhejiang)
    url = reverse("assessment:appeal_queue")
    appeal_for(provisional, staff_xihu)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for code in ("DS.1.2", "DS.1.3", "SV.1.1", "SV.1.2"):
        appeal_for(provisional, staff_xihu, code=code)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(one) == len(five)


@pytest.mark.django_db(transaction=True)
def test_an_accepted_appeal_recomputes_and_the_page_says_which_ranks_changed(
    regions, default_system, administrator, staff_xihu, evaluator_zhejiang, client
):
    from tests.assessment.builders import make_round
    from tests.assessment.jobs.worker import work_off

    codes = Region.objects.filter(code__startswith="3301", level="county")
    # Last year's round, computed: the progress race (进步榜) compares with it.
    last_year = make_round(default_system, status=RoundStatus.PUBLISHED, period="2024")
    fill_values(last_year, codes.values_list("code", flat=True))
    compute_round(round_=last_year, with_sensitivity=False)
    round_ = make_round(default_system, status=RoundStatus.CLOSED, previous=last_year)
    fill_values(round_, codes.values_list("code", flat=True))
    # 西湖区's 目录编制覆盖率 was counted as 0: the region appeals, it is 100.
    from assessment.collection.models import Value

    Value.objects.filter(
        submission__round=round_, submission__region_id=XIHU, indicator__code="DS.1.1"
    ).update(value=0)
    compute_round(round_=round_, with_sensitivity=False)
    round_ = publish_provisional(
        round_=Round.objects.get(pk=round_.pk), working_days=3, user=administrator
    )
    before = Standing.objects.get(round=round_, region_id=XIHU)
    appeal = appeal_for(round_, staff_xihu, code="DS.1.1")
    decide(
        appeal=appeal, action=CORRECT, value="100", reason="抽查复核确认", user=evaluator_zhejiang
    )
    work_off()
    after = Standing.objects.get(round=round_, region_id=XIHU)
    assert after.score > before.score and after.rank < before.rank
    # The progress race moves with it: the same gain over last year's score.
    assert before.change is not None and after.change > before.change
    assert round(after.change - before.change, 2) == round(after.score - before.score, 2)
    client.force_login(evaluator_zhejiang)
    page = client.get(reverse("assessment:appeal_detail", args=[appeal.pk]))
    changes = {c.code: (c.before, c.after) for c in page.context["changes"]}
    assert changes[XIHU] == (before.rank, after.rank)
    assert all(old != new for old, new in changes.values())
    assert 'data-testid="rank-changes"' in page.content.decode()


def test_an_exemption_takes_the_indicator_out_of_the_regions_score_and_is_flagged(
    provisional, staff_xihu, evaluator_zhejiang, supervisor_zhejiang, client
):
    from assessment.collection.models import Value
    from assessment.results.models import Result, ResultFlag

    ds11 = leaf(provisional, "DS.1.1")
    # 西湖区's DS.1.1 is at 0: exempting it can only raise the region's score.
    Value.objects.filter(
        submission__round=provisional, submission__region_id=XIHU, indicator=ds11
    ).update(value=0)
    compute_round(round_=provisional, with_sensitivity=False)
    before = Standing.objects.get(round=provisional, region_id=XIHU).score
    appeal = appeal_for(provisional, staff_xihu)
    decide(appeal=appeal, action=EXEMPT, reason="该指标不适用于本区", user=evaluator_zhejiang)
    compute_round(round_=Round.objects.get(pk=provisional.pk), with_sensitivity=False)
    cell = Result.objects.get(round=provisional, region_id=XIHU, indicator=ds11)
    assert cell.score is None and cell.flags & ResultFlag.EXEMPT
    assert not cell.flags & ResultFlag.MISSING
    dimension = Result.objects.get(round=provisional, region_id=XIHU, indicator=ds11.parent)
    assert dimension.score is not None and dimension.flags & ResultFlag.EXEMPT
    assert Standing.objects.get(round=provisional, region_id=XIHU).score > before
    other = Result.objects.get(round=provisional, region_id=BINJIANG, indicator=ds11)
    assert other.score is not None and not other.flags & ResultFlag.EXEMPT
    client.force_login(supervisor_zhejiang)
    page = client.get(reverse("assessment:profile", args=[provisional.pk, XIHU])).content.decode()
    assert 'data-testid="exempted"' in page and 'data-testid="exempt-DS.1.1"' in page


def test_the_round_report_has_the_appeals_and_the_departments_tasks(
    provisional, staff_xihu, evaluator_zhejiang, department, client
):
    from tests.assessment.dashboards.reports.conftest import summary_name, workbook

    rejected = appeal_for(provisional, staff_xihu, code="DS.1.1")
    decide(appeal=rejected, action=REJECT, reason="=证据不足", user=evaluator_zhejiang)
    upstream = appeal_for(
        provisional, staff_xihu, code="BL.1.1", category=Category.UPSTREAM, department=department
    )
    decide(appeal=upstream, action=EXEMPT, reason="省级接口未开通", user=evaluator_zhejiang)
    appeal_for(provisional, staff_xihu, code="SV.1.1")  # still open
    client.force_login(evaluator_zhejiang)
    url = reverse("assessment:round_report", args=[provisional.pk]) + "?level=county"
    book = workbook(client.post(url))
    overview = [[cell.value for cell in row] for row in book[summary_name()].iter_rows(max_row=12)]
    status = next(row[1] for row in overview if row[0] == "状态")
    assert status.startswith("暂定结果")
    sheet = book["申诉处理"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["类别", "待处理", "已采纳", "已驳回", "合计"]
    by_category = {row[0]: row[1:5] for row in rows[1:6]}
    assert by_category["数据或计算错误"] == [1, 0, 1, 2]
    assert by_category["非本级原因（上级阻滞）"] == [0, 1, 0, 1]
    assert by_category["合计"] == [1, 1, 1, 3]
    details = [row for row in rows[7:] if row[0] == XIHU]
    assert {row[2] for row in details} == {"DS.1.1", "BL.1.1", "SV.1.1"}
    reasons = {row[2]: row[11] for row in details}
    assert reasons["DS.1.1"] == "'=证据不足"  # never a formula
    tasks = [[cell.value for cell in row] for row in book["部门任务"].iter_rows(min_row=2)]
    assert [(row[0], row[1], row[3]) for row in tasks] == [("省大数据局", XIHU, "BL.1.1")]


def test_supervisors_read_the_blockers_of_their_subtree_and_cannot_resolve_them(
    provisional,
    staff_xihu,
    evaluator_zhejiang,
    department,
    supervisor_hangzhou,
    supervisor_ningbo,
    client,
):
    appeal = appeal_for(
        provisional, staff_xihu, code="BL.1.1", category=Category.UPSTREAM, department=department
    )
    decide(appeal=appeal, action=EXEMPT, reason="x", user=evaluator_zhejiang)
    task = DepartmentTask.objects.get(appeal=appeal)
    client.force_login(supervisor_hangzhou)
    page = client.get(reverse("assessment:department_board")).content.decode()
    assert f'data-testid="task-{task.pk}"' in page and 'data-testid="department-dsj"' in page
    assert f'data-testid="resolve-{task.pk}"' not in page
    assert (
        client.post(
            reverse("assessment:department_resolve", args=[task.pk]), {"resolution": "x"}
        ).status_code
        == 404
    )
    client.force_login(supervisor_ningbo)
    page = client.get(reverse("assessment:department_board")).content.decode()
    assert f'data-testid="task-{task.pk}"' not in page
