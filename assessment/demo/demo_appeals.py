"""The demo's appeal cycle (结果公示 → 异议申诉 → 复核): a Hangzhou special round whose results
are provisional and open to appeals, with appeals in every state, made through the same
services people use, and two provincial departments with blockers sent up to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from assessment.appeals.models import Category, Department, DepartmentTask
from assessment.appeals.services import (
    CORRECT,
    EXEMPT,
    REJECT,
    decide,
    file_appeal,
    publish_provisional,
    resolve_task,
)
from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus, Value
from assessment.regions.models import Region, RegionLevel
from assessment.results.services.compute import compute_round
from indicators.models import Indicator, IndicatorSystem

PERIOD = "2026H1"
DEPARTMENTS = (("dsj", "浙江省大数据发展管理局", "dept-dsj"),
               ("gat", "浙江省公安厅", "dept-gat"))  # fmt: skip
# (region, indicator, category, department code, statement, decision, value, reason)
APPEALS = (
    ("330106", "DS.1.1", Category.DATA_ERROR, None,
     "目录编制覆盖率按省平台统计为 62%，区平台实际已编目 41 个系统中的 38 个（92.7%），"
     "省平台未同步区级目录。",
     None, None, ""),
    ("330108", "SV.1.1", Category.EVIDENCE_IGNORED, None,
     "已提交全程网办事项清单及省平台截图，评估时未采信。", None, None, ""),
    ("330102", "DS.2.1", Category.DATA_ERROR, None,
     "共享需求满足率计算时重复统计了已撤回的需求 12 条。",
     CORRECT, "95", "核对需求台账，撤回需求不应计入分母，按 95% 更正。"),
    ("330105", "BL.1.1", Category.UPSTREAM, "dsj",
     "部委不动产登记接口省级尚未开通，区级无法调用，非本级原因。",
     EXEMPT, None, "经核实省级接口尚未开通，对本区豁免该指标，转省大数据局办理。"),
    ("330109", "BL.2.1", Category.UPSTREAM, "gat",
     "户籍数据未回流至区级，回流需求无法满足。",
     EXEMPT, None, "户籍数据回流由省公安厅负责，对本区豁免该指标。"),
    ("330110", "SV.3.3", Category.RULE, None,
     "“一窗受理”应包含自助终端办理。",
     REJECT, None, "评估规范明确一窗受理指综合窗口人工受理，自助终端另行统计。"),
    ("330111", "BL.2.2", Category.UPSTREAM, "dsj",
     "省级回流数据目录未发布，基层无法建设应用场景。", None, None, ""),
)  # fmt: skip


def ensure_departments(password: str) -> list[tuple[str, str]]:
    """The two departments and one staff account each: (username, department name)."""
    User = get_user_model()
    hashed = make_password(password)
    accounts = []
    for code, name, username in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(code=code, defaults={"name": name})
        user, _ = User.objects.get_or_create(
            username=username, defaults={"password": hashed, "email": f"{username}@demo.invalid"}
        )
        department.members.add(user)
        accounts.append((username, name))
    return accounts


def ensure_appeal_round(
    system: IndicatorSystem, value_of: Callable[[Region, Indicator, int], Decimal]
) -> Round | None:
    """The provisional round, once: its 13 counties' values, results, provisional
    publication (a 5-working-day window from today) and the appeals."""
    if Round.objects.filter(period=PERIOD).exists():
        return None
    hangzhou = Region.objects.get(code="330100")
    now = timezone.now()
    round_ = Round.objects.create(
        system=system, name="杭州市2026年上半年数字政府专项评估", period=PERIOD, scope=hangzhou,
        levels=[RegionLevel.COUNTY], opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=10), status=RoundStatus.CLOSED,
    )  # fmt: skip
    counties = list(Region.objects.subtree(hangzhou).filter(level=RegionLevel.COUNTY))
    submissions = Submission.objects.bulk_create(
        Submission(round=round_, region=region, status=SubmissionStatus.APPROVED, version=1)
        for region in counties
    )
    leaves = list(system.indicators.exclude(value_type="").order_by("order"))
    Value.objects.bulk_create(
        Value(submission=submission, indicator=leaf, value=value_of(submission.region, leaf, 2026))
        for submission in submissions
        for leaf in leaves
    )
    compute_round(round_=round_)
    User = get_user_model()
    admin, evaluator = User.objects.get(username="admin"), User.objects.get(username="evaluator")
    round_ = publish_provisional(round_=Round.objects.get(pk=round_.pk), working_days=5,
                                 user=admin)  # fmt: skip
    _file_and_decide(round_, evaluator)
    compute_round(round_=round_)  # once, for every accepted appeal
    return round_


def _file_and_decide(round_: Round, evaluator) -> None:
    User = get_user_model()
    departments = {d.code: d for d in Department.objects.all()}
    nodes = {node.code: node for node in round_.system.indicators.all()}
    for code, indicator, category, department, statement, action, value, reason in APPEALS:
        appeal = file_appeal(
            round_=round_, region=Region.objects.get(code=code), indicator=nodes[indicator],
            category=category, department=departments.get(department), statement=statement,
            user=User.objects.get(username=f"staff-{code}"),
        )  # fmt: skip
        if action:
            decide(appeal=appeal, action=action, value=value, reason=reason, user=evaluator,
                   recompute=False)  # fmt: skip
    resolved = DepartmentTask.objects.filter(department__code="gat", round=round_).first()
    if resolved is not None:
        resolve_task(task=resolved, resolution="已开通户籍数据回流接口，按日同步至区级。",
                     user=User.objects.get(username="dept-gat"))  # fmt: skip
