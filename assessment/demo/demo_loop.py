"""Demo data of the closed loop (findings → feedback → rectification → sharing): the 2025
round's rectification tasks in several states, and practices of strong counties (two
approved, one waiting for approval).

Idempotent like the rest of the demo: tasks are generated only where missing, and the story
(answers, verifications, practices) is played once, through the same services people use, so
the task logs read like real ones. Dates follow today's date, as the open round's do: most
tasks are due in a month, a few regions are overdue, and the log spreads over six weeks.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from assessment.collection.models import Round
from assessment.rectification.models import (
    Practice,
    PracticeStatus,
    RectificationTask,
    TaskAction,
    TaskEvent,
    TaskStatus,
)
from assessment.rectification.services.practices import (
    PracticeInput,
    practice_approve,
    practice_create,
)
from assessment.rectification.services.task_generation import due_date_for, generate_tasks
from assessment.rectification.services.tasks import (
    TaskAnswer,
    task_answer,
    task_mark_done,
    task_reopen,
    task_verify,
)
from assessment.regions.models import Region
from assessment.results.models import Result, ResultKind

SUPERVISOR = "supervisor"
#: Regions whose unfinished tasks are overdue in the demo.
OVERDUE_REGIONS = ("331123", "331124", "330825")
#: (region, how many tasks verified, done, in progress, reopened): a spread of progress.
STORY = [
    ("330106", 2, 1, 1, 0),  # 西湖区: the named demo staff user
    ("330102", 4, 1, 0, 0),
    ("330108", 3, 0, 1, 0),
    ("330110", 2, 2, 0, 0),
    ("330203", 1, 1, 1, 1),
    ("330302", 1, 0, 2, 0),
    ("330481", 2, 1, 0, 0),
    ("330521", 0, 1, 1, 0),
    ("330681", 3, 0, 0, 1),
    ("330782", 1, 1, 1, 0),
    ("330822", 2, 0, 1, 0),
    ("331102", 1, 0, 1, 1),
    ("331121", 0, 0, 2, 0),
]
PLAN = "成立专项整改小组，梳理问题清单，对标先进地区做法，按月推进并报告进展。"
PROGRESS = "已完成问题排查，整改措施正在落实。"
MORE_EVIDENCE = "佐证不足，请补充整改前后的数据对比。"
PRACTICES = [
    (
        "SV.2.1",
        "办事指南“一表清”：要素逐项校核机制",
        "建立办事指南要素清单，由业务处室、政务服务中心和大数据局三方逐项校核；"
        "每季度抽查，发现差错限期更正并纳入部门考核。",
        "办事指南要素准确率由 86% 提升到 99% 以上，群众因指南错误的退件明显减少。",
        "县政务服务管理办公室 · 电话 0571-0000000",
        True,
    ),
    (
        "DS.3.1",
        "问题数据“发现—反馈—修正”闭环",
        "在共享平台部署数据质量规则库，问题数据自动推送至源头部门，限时修正并回传结果；"
        "修正情况按周通报。",
        "问题数据占比一年内下降一半，数据异议平均办结时间缩短到 3 个工作日。",
        "县大数据发展中心 · 数据资源科",
        True,
    ),
    (
        "SV.3.2",
        "零访问服务清理与合并",
        "按月分析服务访问量，连续半年零访问的服务逐项评估，合并、下线或重新设计入口。",
        "零访问/低访问服务占比由 18% 降至 4%。",
        "县政务服务中心 · 网办科",
        False,
    ),
]


def ensure_loop(round_: Round) -> None:
    """Tasks of the published demo round, and the loop's story played once."""
    with transaction.atomic():
        generate_tasks(round_=round_)
        played = TaskEvent.objects.filter(task__round=round_).exclude(action=TaskAction.CREATED)
        if played.exists() or Practice.objects.filter(round=round_).exists():
            return
        _follow_today(round_)
        _play(round_)
        _spread_log(round_)
        _share(round_)


def _users() -> dict[str, object]:
    """The provincial supervisor and the staff of Zhejiang's regions, by username."""
    users = get_user_model().objects.filter(
        Q(username=SUPERVISOR) | Q(username__startswith="staff-33")
    )
    return {user.username: user for user in users}


def _follow_today(round_: Round) -> None:
    """Due in a month (a few regions overdue), the findings saying so too."""
    today = timezone.localdate()
    tasks = RectificationTask.objects.filter(round=round_)
    generated = due_date_for(round_).isoformat()
    for due, late in ((today + timedelta(days=30), False), (today - timedelta(days=12), True)):
        regions = Q(region_id__in=OVERDUE_REGIONS)
        (tasks.filter(regions) if late else tasks.exclude(regions)).update(
            due_date=due,
            finding=Replace("finding", Value(generated), Value(due.isoformat())),
        )


def _play(round_: Round) -> None:
    users = _users()
    supervisor = users.get(SUPERVISOR)
    for code, verified, done, in_progress, reopened in STORY:
        staff = users.get(f"staff-{code}")
        if staff is None:
            continue
        tasks = list(
            RectificationTask.objects.filter(round=round_, region_id=code, status=TaskStatus.OPEN)
            .select_related("region")
            .order_by("indicator__order")
        )
        plan = iter(tasks)
        for _ in range(verified + done + reopened):
            task = next(plan, None)
            if task is None:
                break
            task_answer(task=task, user=staff, answer=TaskAnswer(plan=PLAN, note=PROGRESS,
                                                                  percent=60))  # fmt: skip
            task_mark_done(task=task, user=staff, note="整改已完成，佐证见附件。")
            if verified:
                task_verify(task=task, user=supervisor, note="经核查，整改到位。")
                verified -= 1
            elif reopened:
                task_reopen(
                    task=task, user=supervisor, reason="佐证不足，请补充整改前后的数据对比。"
                )
                reopened -= 1
        for _ in range(in_progress):
            task = next(plan, None)
            if task is None:
                break
            task_answer(task=task, user=staff, answer=TaskAnswer(plan=PLAN, note=PROGRESS,
                                                                  percent=30))  # fmt: skip


def _spread_log(round_: Round) -> None:
    """Spread the played steps over the last six weeks, in the order they were taken."""
    events = list(
        TaskEvent.objects.filter(task__round=round_)
        .exclude(action=TaskAction.CREATED)
        .order_by("id")
    )
    if not events:
        return
    now = timezone.now()
    start = now - timedelta(days=42)
    step = (now - start) / (len(events) + 1)
    for i, event in enumerate(events, start=1):
        event.at = start + step * i
    TaskEvent.objects.bulk_update(events, ["at"])
    TaskEvent.objects.filter(task__round=round_, action=TaskAction.CREATED).update(
        at=start - timedelta(days=1)
    )


def _share(round_: Round) -> None:
    """A practice by the best county on each of a few indicators."""
    users = _users()
    supervisor = users.get(SUPERVISOR)
    system = round_.system
    for code, title, description, results, contacts, approve in PRACTICES:
        leaf = system.indicators.filter(code=code).first()
        best = (
            Result.objects.filter(
                round=round_, kind=ResultKind.LEAF, indicator=leaf, region__level="county"
            )
            .exclude(score=None)
            .order_by("rank", "region_id")
            .values_list("region_id", flat=True)
            .first()
        )
        staff = users.get(f"staff-{best}")
        if leaf is None or best is None or staff is None:
            continue
        practice = practice_create(
            round_=round_,
            region=Region.objects.get(code=best),
            indicator=leaf,
            user=staff,
            data=PracticeInput(title, description, results, contacts, files=[], links=[]),
        )
        if approve and practice.status == PracticeStatus.PENDING:
            practice_approve(practice=practice, user=supervisor, note="经审核，可供各地借鉴。")
