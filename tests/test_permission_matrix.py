"""Every URL of the project, requested by every kind of user, on objects of region A (西湖区).

Users: anonymous; staff of region A (330106); staff of region B (海曙区 330203, another city);
a supervisor of another subtree (宁波市 330200); the provincial evaluator; an administrator.
Expected: anonymous → the login page; a region the user may not see → 404; a visible region
with the wrong role → 403; otherwise the page or action works. The test fails when a URL of
the project is missing from MATRIX, so a new page cannot ship without its access decision.

To see what every cell currently answers: `PERMISSION_MATRIX_PRINT=1 pytest -s` on this file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.world import REGION_A, REGION_B, World, user_for, world_fixture  # noqa: F401

LOGIN, OK, NOT_FOUND, FORBIDDEN, NOT_ALLOWED = "login", "ok", 404, 403, 405
UNAUTHORIZED = 401
USERS = ("anonymous", "staff_a", "staff_b", "supervisor_other", "evaluator", "admin")


@dataclass(frozen=True)
class Case:
    method: str
    args: Callable[[World], list]
    expect: dict[str, object]  # user → LOGIN / OK / status code
    data: Callable[[World], dict] | None = None


def everyone(anonymous=LOGIN, staff_a=OK, staff_b=OK, supervisor_other=OK, evaluator=OK,
             admin=OK) -> dict[str, object]:  # fmt: skip
    return dict(zip(USERS, (anonymous, staff_a, staff_b, supervisor_other, evaluator, admin),
                    strict=True))  # fmt: skip


def admin_only(**overrides) -> dict[str, object]:
    return everyone(**{"staff_a": FORBIDDEN, "staff_b": FORBIDDEN, "supervisor_other": FORBIDDEN,
                       "evaluator": FORBIDDEN, **overrides})  # fmt: skip


NONE = lambda world: []  # noqa: E731
OPEN = lambda world: [world.open_round]  # noqa: E731
PUBLISHED = lambda world: [world.published_round]  # noqa: E731
OPEN_A = lambda world: [world.open_round, REGION_A]  # noqa: E731
PUBLISHED_A = lambda world: [world.published_round, REGION_A]  # noqa: E731
TASK = lambda world: [world.task]  # noqa: E731
PRACTICE = lambda world: [world.practice]  # noqa: E731
# Steps of region A's own staff: others who see the task are refused (403).
STAFF_STEP = everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=FORBIDDEN,
                      admin=FORBIDDEN)  # fmt: skip
# Steps of the supervisors over region A (and administrators).
SUPERVISOR_STEP = everyone(staff_a=FORBIDDEN, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND,
                           evaluator=FORBIDDEN)  # fmt: skip
# A practice waiting for approval: only region A's staff and the supervisors over it see it.
PENDING_PRACTICE = everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=NOT_FOUND)

JOB = lambda world: [world.job]  # noqa: E731
OWNER = everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=NOT_FOUND)


def verifier_evidence(world: World) -> list[int]:
    """A verifier's picture on region A's DS.1.1 in the published round (made for each test:
    the demo has none; the test's rollback removes it)."""
    from django.core.files.base import ContentFile

    from assessment.collection.models import Submission
    from assessment.verification.models import VerifierEvidence
    from tests.assessment.files import REAL_PNG

    submission = Submission.objects.get(round_id=world.published_round, region_id=REGION_A)
    item = VerifierEvidence(submission=submission, indicator_id=world.leaf, kind="file",
                            original_name="核验截图.png", content_type="image/png",
                            size=len(REAL_PNG))  # fmt: skip
    item.file.save("check.png", ContentFile(REAL_PNG), save=True)
    return [item.pk]


def panel_cell(world: World):
    """The published round's panel with one cell of region A, assigned to the evaluator as
    an expert (made for each test; the test's rollback removes it)."""
    from assessment.collection.models import Round
    from assessment.panels.models import ExpertScore, Panel, PanelCell, PanelExpert
    from indicators.models import ValueType

    round_ = Round.objects.get(pk=world.published_round)
    leaf = round_.system.indicators.filter(value_type=ValueType.RUBRIC).order_by("order").first()
    # The demo's round may have a panel of its own: use it, with a cell in adjudication.
    panel, _ = Panel.objects.get_or_create(round=round_, defaults={"indicator_codes": [leaf.code]})
    PanelExpert.objects.get_or_create(panel=panel, user=user_for("evaluator"))
    cell, _ = PanelCell.objects.update_or_create(panel=panel, region_id=REGION_A, indicator=leaf,
                                                 defaults={"status": "adjudication"})  # fmt: skip
    score, _ = ExpertScore.objects.get_or_create(cell=cell, expert=user_for("evaluator"))
    return round_, cell, score


PANEL_ROUND = lambda world: [panel_cell(world)[0].pk]  # noqa: E731


def step_screenshot(world: World) -> int:
    """A mystery-shopping screenshot the evaluator (as the panel's expert) took at step 1."""
    from django.core.files.base import ContentFile

    from assessment.panels.models import StepScreenshot
    from tests.assessment.files import PNG_BYTES

    shot = StepScreenshot(score=panel_cell(world)[2], position=1, kind="file",
                          original_name="step.png", content_type="image/png")  # fmt: skip
    shot.file.save("x.png", ContentFile(PNG_BYTES), save=True)
    return shot.pk


def appeal_of_a(world: World) -> int:
    """An open appeal of region A against the published round's DS.1.1."""
    from assessment.appeals.models import Appeal

    appeal, _ = Appeal.objects.get_or_create(
        round_id=world.published_round, region_id=REGION_A, indicator_id=world.leaf,
        defaults={"category": "data_error", "statement": "口径有误",
                  "filed_by": user_for("staff_a")},
    )  # fmt: skip
    return appeal.pk


APPEAL = lambda world: [appeal_of_a(world)]  # noqa: E731
# An expert's own assignment: nobody else learns it exists.
EXPERT_ONLY = everyone(
    staff_a=NOT_FOUND, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, admin=NOT_FOUND
)


def classification_scheme(world: World) -> int:
    """A classification scheme with one class (made for each test, rolled back with it)."""
    from assessment.regions.models import Classification, RegionClass

    scheme, _ = Classification.objects.get_or_create(code="matrix", defaults={"name_zh": "测试"})
    RegionClass.objects.get_or_create(classification=scheme, region_id=REGION_A,
                                      defaults={"label": "甲类"})  # fmt: skip
    return scheme.pk


SCHEME = lambda world: [classification_scheme(world)]  # noqa: E731


def draft_system(world: World) -> int:
    """A draft copy of the published round's system (made for each test; the test's rollback
    removes it)."""
    from assessment.collection.models import Round
    from indicators.models import IndicatorSystem
    from indicators.services import system_new_version

    system = Round.objects.get(pk=world.published_round).system
    draft = IndicatorSystem.objects.filter(based_on=system, status="draft").first()
    return (draft or system_new_version(system=system)).pk


#: What the buttons of dangerous actions send once their question is answered (core/confirm.py).
CONFIRMED = {"confirm": "yes"}


def waiting_submissions(world: World) -> dict[str, list[str]]:
    """The bulk approval's choice: region A's submission in the open round (a draft) and one
    the demo has submitted (西湖区's neighbour 330109, in Hangzhou)."""
    from assessment.collection.models import Submission

    rows = Submission.objects.filter(round_id=world.open_round, region_id__in=[REGION_A, "330109"])
    return {"submission": [str(pk) for pk in rows.values_list("pk", flat=True)]}


def notification_of_a(world: World) -> int:
    """A notification of region A's staff (made for each test; the rollback removes it)."""
    from assessment.notifications.models import Kind, Notification

    recipient = user_for("staff_a")
    return Notification.objects.create(recipient=recipient, kind=Kind.CHASE, title="催报",
                                       url="/", region_code=REGION_A).pk  # fmt: skip


# Pages the project adds to Django's admin site: the admin's login for anyone not its staff.
ADMIN_SITE = everyone(staff_a=LOGIN, staff_b=LOGIN, supervisor_other=LOGIN, evaluator=LOGIN)

# fmt: off
MATRIX: dict[str, Case] = {
    # Public or account pages
    "login": Case("GET", NONE, everyone(anonymous=OK)),
    # Logging out ends on the login page, whoever asks.
    "logout": Case("POST", NONE, dict.fromkeys(USERS, LOGIN)),
    "password_change": Case("GET", NONE, everyone()),
    "password_change_done": Case("GET", NONE, everyone()),
    "set_language": Case("POST", NONE, everyone(anonymous=OK), lambda w: {"language": "en"}),
    "healthz": Case("GET", NONE, everyone(anonymous=OK)),
    "assessment:public_index": Case("GET", NONE, everyone(anonymous=OK)),
    "assessment:public_round": Case("GET", PUBLISHED, everyone(anonymous=OK)),
    "assessment:home": Case("GET", NONE, everyone()),
    # Rounds
    "assessment:round_list": Case("GET", NONE, everyone()),
    "assessment:round_new": Case("GET", NONE, admin_only()),
    "assessment:round_detail": Case("GET", OPEN, admin_only()),
    "assessment:round_edit": Case("GET", OPEN, admin_only()),
    "assessment:round_open": Case("POST", OPEN, admin_only()),
    "assessment:round_close": Case("POST", OPEN, admin_only()),
    "assessment:round_extend": Case(
        "POST", OPEN, admin_only(), lambda w: {"region": REGION_A, "reason": "x"}
    ),
    "assessment:progress": Case(
        "GET", OPEN, everyone(staff_a=FORBIDDEN, staff_b=FORBIDDEN, evaluator=FORBIDDEN)
    ),
    "assessment:round_compute": Case("POST", PUBLISHED, admin_only(), lambda w: CONFIRMED),
    "assessment:round_fill_completion": Case(
        "POST", OPEN, admin_only(),
        lambda w: {"source": w.published_round, "indicator": "DS.1.1", **CONFIRMED},
    ),
    # One region's submission
    "assessment:entry": Case(
        "GET", OPEN_A, everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)
    ),
    "assessment:entry_history": Case(
        "GET", OPEN_A, everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)
    ),
    "assessment:submission_return": Case(
        "POST",
        OPEN_A,
        everyone(
            staff_a=FORBIDDEN, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=FORBIDDEN
        ),
        lambda w: {"reason": "请补充说明"},
    ),
    "assessment:submission_approve": Case(
        "POST",
        OPEN_A,
        everyone(
            staff_a=FORBIDDEN, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=FORBIDDEN
        ),
    ),
    "assessment:submission_reopen": Case(
        "POST",
        OPEN_A,
        admin_only(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND),
        lambda w: {"reason": "更正"},
    ),
    "assessment:evidence": Case(
        "GET",
        lambda w: [w.evidence],
        everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND),
    ),
    "assessment:review_queue": Case(
        "GET", NONE, everyone(staff_a=FORBIDDEN, staff_b=FORBIDDEN, evaluator=FORBIDDEN)
    ),
    # Bulk import and export
    "assessment:export": Case("GET", OPEN, everyone(supervisor_other=FORBIDDEN)),
    "assessment:import": Case("GET", OPEN, everyone(supervisor_other=FORBIDDEN)),
    "assessment:import_report": Case(
        "GET",
        lambda w: [w.batch],
        everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=NOT_FOUND),
    ),
    "assessment:import_apply": Case(
        "POST",
        lambda w: [w.batch],
        everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=NOT_FOUND),
    ),
    "assessment:import_problems": Case(
        "GET",
        lambda w: [w.batch],
        everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=NOT_FOUND),
    ),
    # Results and dashboards
    "assessment:results": Case("GET", NONE, everyone()),
    "assessment:ranking": Case("GET", PUBLISHED, everyone(staff_a=FORBIDDEN, staff_b=FORBIDDEN)),
    "assessment:profile": Case(
        "GET", PUBLISHED_A, everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)
    ),
    "assessment:round_publish": Case("POST", PUBLISHED, admin_only()),
    # Excel reports
    "assessment:round_report": Case("POST", PUBLISHED,
                                    everyone(staff_a=FORBIDDEN, staff_b=FORBIDDEN)),
    "assessment:written_report": Case("POST", PUBLISHED,
                                      everyone(staff_a=FORBIDDEN, staff_b=FORBIDDEN),
                                      lambda w: {"format": "docx"}),
    "assessment:ranking_csv": Case("GET", PUBLISHED,
                                   everyone(staff_a=FORBIDDEN, staff_b=FORBIDDEN)),
    "assessment:profile_report": Case(
        "GET", PUBLISHED_A, everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)
    ),
    "assessment:round_unpublish": Case("POST", PUBLISHED, admin_only(), lambda w: CONFIRMED),
    # Verification (核验): evaluators over the region and administrators (supervisors where the
    # round's policy says so: the queue is theirs too), nobody on the region itself (its staff:
    # 403); in a published round administrators only
    "assessment:verification_queue": Case("GET", NONE, everyone(
        staff_a=FORBIDDEN, staff_b=FORBIDDEN)),
    "assessment:verify": Case("GET", PUBLISHED_A, everyone(
        staff_a=FORBIDDEN, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=FORBIDDEN)),
    "assessment:sample_sheet": Case("GET", lambda w: [w.published_round, REGION_A, "SV.2.1"],
                                    everyone(staff_a=FORBIDDEN, staff_b=NOT_FOUND,
                                             supervisor_other=NOT_FOUND, evaluator=FORBIDDEN)),
    "assessment:verifier_evidence_add": Case(
        "POST", lambda w: [w.published_round, REGION_A, "DS.1.1"],
        everyone(staff_a=FORBIDDEN, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND,
                 evaluator=FORBIDDEN),
        lambda w: {"link": "https://data.example.gov.cn/verified"}),
    # The verifier's evidence is read by whoever sees the region (its staff too) …
    "assessment:verifier_evidence": Case("GET", verifier_evidence, everyone(
        staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)),
    # … and removed by whoever may verify the indicator.
    "assessment:verifier_evidence_remove": Case("POST", verifier_evidence, everyone(
        staff_a=FORBIDDEN, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=FORBIDDEN)),
    "assessment:verification_summary": Case("GET", PUBLISHED, everyone(
        staff_a=FORBIDDEN, staff_b=FORBIDDEN)),
    "assessment:verification_policy": Case("POST", OPEN, admin_only(),
                                           lambda w: {"requirement": "none"}),
    # Dividing verification into blocks: administrators only (the block id does not exist: the
    # administrator's removal answers 404 after the role check).
    "assessment:verification_blocks": Case("GET", PUBLISHED, admin_only()),
    "assessment:verification_block_remove": Case(
        "POST", lambda w: [w.published_round, 999_999], admin_only(admin=NOT_FOUND)),
    # Expert panels: administrators set them up; experts see their own cells only; evaluators
    # and administrators adjudicate (the evaluator not in a published round).
    "assessment:panel_setup": Case("GET", PUBLISHED, admin_only()),
    "assessment:panel_add_expert": Case("POST", PANEL_ROUND, admin_only(),
                                        lambda w: {"username": "admin"}),
    "assessment:panel_remove_expert": Case("POST", lambda w: [w.published_round, 999_999],
                                           admin_only(admin=NOT_FOUND)),
    "assessment:panel_assign": Case("POST", PANEL_ROUND, admin_only()),
    "assessment:panel_hand_assign": Case("POST", PANEL_ROUND, admin_only()),
    "assessment:panel_queue": Case("GET", NONE, everyone()),
    "assessment:panel_score": Case("GET", lambda w: [panel_cell(w)[2].pk], EXPERT_ONLY),
    "assessment:panel_evidence": Case("GET", lambda w: [panel_cell(w)[2].pk, w.evidence],
                                      dict(EXPERT_ONLY, evaluator=NOT_FOUND)),
    # The expert who took it, and whoever may adjudicate the cell (here: administrators, the
    # round being published); the cell's other experts and everyone else: it does not exist.
    "assessment:panel_step_screenshot": Case("GET", lambda w: [step_screenshot(w)],
                                             dict(EXPERT_ONLY, admin=OK)),
    "assessment:panel_adjudication": Case("GET", NONE, everyone(
        staff_a=FORBIDDEN, staff_b=FORBIDDEN, supervisor_other=FORBIDDEN)),
    "assessment:panel_adjudicate": Case("GET", lambda w: [panel_cell(w)[1].pk], everyone(
        staff_a=FORBIDDEN, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=FORBIDDEN)),
    # Background jobs (the job, a finished export, belongs to region A's staff): whoever
    # started a job and administrators see it; for anyone else it does not exist.
    "assessment:jobs": Case("GET", NONE, everyone()),
    "assessment:job": Case("GET", JOB, OWNER),
    "assessment:job_status": Case("GET", JOB, OWNER),
    "assessment:job_download": Case("GET", JOB, OWNER),
    "assessment:job_cancel": Case("POST", JOB, OWNER),
    "assessment:job_retry": Case("POST", JOB, OWNER),
    # Rectification notices (region A's in the published round) and their items (tasks)
    "assessment:notice_list": Case("GET", NONE, everyone()),
    "assessment:notice_detail": Case(
        "GET", PUBLISHED_A, everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)
    ),
    "assessment:task_list": Case("GET", NONE, everyone()),
    "assessment:task_detail": Case(
        "GET", TASK, everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)
    ),
    "assessment:task_answer": Case("POST", TASK, STAFF_STEP, lambda w: {"plan": "整改方案"}),
    "assessment:task_done": Case("POST", TASK, STAFF_STEP),
    "assessment:task_verify": Case("POST", TASK, SUPERVISOR_STEP),
    "assessment:task_reopen": Case("POST", TASK, SUPERVISOR_STEP, lambda w: {"reason": "补充"}),
    "assessment:task_edit": Case("POST", TASK, SUPERVISOR_STEP, lambda w: {
        "title": "DS.1.1", "finding": "问题", "due_date": "2030-01-01"}),
    "assessment:task_evidence": Case(
        "GET", lambda w: [w.task_evidence], everyone(staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)
    ),
    "assessment:task_new": Case("GET", PUBLISHED_A, SUPERVISOR_STEP),
    "assessment:task_progress": Case(
        "GET", PUBLISHED, everyone(staff_a=FORBIDDEN, staff_b=FORBIDDEN)
    ),
    # Shared practices
    "assessment:practice_library": Case("GET", NONE, everyone()),
    "assessment:practice_detail": Case("GET", PRACTICE, PENDING_PRACTICE),
    "assessment:practice_evidence": Case(
        "GET", lambda w: [w.practice_evidence], PENDING_PRACTICE
    ),
    "assessment:practice_edit": Case("GET", PRACTICE, {**PENDING_PRACTICE, "admin": FORBIDDEN}),
    "assessment:practice_approve": Case(
        "POST", PRACTICE, {**PENDING_PRACTICE, "staff_a": FORBIDDEN}
    ),
    "assessment:practice_return": Case(
        "POST", PRACTICE, {**PENDING_PRACTICE, "staff_a": FORBIDDEN}, lambda w: {"note": "补充"}
    ),
    "assessment:practice_new": Case("GET", PUBLISHED_A, STAFF_STEP),
    "assessment:practice_invite": Case(
        "POST", PUBLISHED_A, SUPERVISOR_STEP, lambda w: {"indicator": w.leaf}
    ),
    # The open API's clients: administrators only (the client does not exist: after the role
    # check, 404). The API itself takes tokens, never a session: 401 for every login (its
    # token × endpoint matrix is tests/assessment/api/test_api.py); its schema and
    # documentation are public.
    "assessment:api_clients": Case("GET", NONE, admin_only()),
    "assessment:api_client_rotate": Case("POST", lambda w: [999_999],
                                         admin_only(admin=NOT_FOUND)),
    "assessment:api_client_revoke": Case("POST", lambda w: [999_999],
                                         admin_only(admin=NOT_FOUND)),
    # Appeals: region A's staff file (the demo's rounds are not provisional: the page says the
    # window is closed); evaluators over the region and administrators decide (the published
    # round takes no decision: a form error); departments' tasks are their staff's (none here).
    "assessment:appeal_publish": Case("POST", PUBLISHED, admin_only()),
    "assessment:appeal_new": Case("GET", PUBLISHED_A, everyone(
        staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=FORBIDDEN, admin=FORBIDDEN)),
    "assessment:appeal_queue": Case("GET", NONE, everyone(
        staff_a=FORBIDDEN, staff_b=FORBIDDEN, supervisor_other=FORBIDDEN)),
    "assessment:appeal_detail": Case("GET", APPEAL, everyone(
        staff_b=NOT_FOUND, supervisor_other=NOT_FOUND)),
    "assessment:appeal_decide": Case("POST", APPEAL, everyone(
        staff_a=FORBIDDEN, staff_b=NOT_FOUND, supervisor_other=NOT_FOUND),
        lambda w: {"action": "reject", "reason": "证据不足"}),
    "assessment:appeal_evidence": Case("GET", lambda w: [999_999],
                                       everyone(**dict.fromkeys(USERS[1:], NOT_FOUND))),
    "assessment:department_board": Case("GET", NONE, everyone()),
    "assessment:department_resolve": Case("POST", lambda w: [999_999],
                                          everyone(**dict.fromkeys(USERS[1:], NOT_FOUND))),
    # Raw platform files and the population table: administrators only (the world has no
    # raw file: the administrator's request answers 404 after the role check).
    "assessment:feed_list": Case("GET", OPEN, admin_only()),
    "assessment:feed_report": Case("GET", lambda w: [999_999], admin_only(admin=NOT_FOUND)),
    "assessment:feed_apply": Case("POST", lambda w: [999_999], admin_only(admin=NOT_FOUND)),
    "assessment:population": Case("GET", NONE, admin_only()),
    "api:openapi-json": Case("GET", NONE, everyone(anonymous=OK)),
    "api:openapi-view": Case("GET", NONE, everyone(anonymous=OK)),
    "api:api-root": Case("GET", NONE, dict.fromkeys(USERS, NOT_FOUND)),  # no page at the root
    "api:rounds": Case("GET", NONE, dict.fromkeys(USERS, UNAUTHORIZED)),
    "api:round_detail": Case("GET", PUBLISHED, dict.fromkeys(USERS, UNAUTHORIZED)),
    "api:ranking": Case("GET", PUBLISHED, dict.fromkeys(USERS, UNAUTHORIZED)),
    "api:profile": Case("GET", PUBLISHED_A, dict.fromkeys(USERS, UNAUTHORIZED)),
    "api:indicator_results": Case("GET", lambda w: [w.published_round, "DS.1.1"],
                                  dict.fromkeys(USERS, UNAUTHORIZED)),
    "api:push_values": Case("POST", OPEN, dict.fromkeys(USERS, UNAUTHORIZED)),
    # Indicator systems' admin: AHP weights of a draft (层次分析法)
    "admin:indicators_indicatorsystem_ahp": Case("GET", lambda w: [draft_system(w)], ADMIN_SITE),
    # Classification schemes (分类方案): classes from Excel and back
    "admin:regions_classification_import": Case("GET", SCHEME, ADMIN_SITE),
    "admin:regions_classification_export": Case("GET", SCHEME, ADMIN_SITE),
    # Actions: region A's staff withdraw its submission (the demo's is a draft: refused with a
    # message); reviewers approve several at once, rows not theirs or not submitted skipped.
    "assessment:submission_withdraw": Case("POST", OPEN_A, STAFF_STEP,
                                           lambda w: {"reason": "补充"}),
    "assessment:review_approve_many": Case("POST", NONE, everyone(
        staff_a=FORBIDDEN, staff_b=FORBIDDEN, evaluator=FORBIDDEN), waiting_submissions),
    # Notifications: everyone's own centre; a notification (region A's staff's) exists for its
    # recipient only. 催报 from the completeness page: supervisors and administrators (regions
    # outside the supervisor's subtree are left out, not an error).
    "assessment:notifications": Case("GET", NONE, everyone()),
    "assessment:notification_read": Case("POST", lambda w: [notification_of_a(w)], everyone(
        staff_b=NOT_FOUND, supervisor_other=NOT_FOUND, evaluator=NOT_FOUND, admin=NOT_FOUND)),
    "assessment:notifications_read_all": Case("POST", NONE, everyone()),
    "assessment:notification_preferences": Case("POST", NONE, everyone(),
                                                lambda w: {"daily_digest": "on"}),
    "assessment:progress_chase": Case("POST", OPEN, everyone(
        staff_a=FORBIDDEN, staff_b=FORBIDDEN, evaluator=FORBIDDEN), lambda w: {"region": REGION_A}),
}
# fmt: on


# The pages Django's admin site makes by itself: the site's and every model's.
STOCK_ADMIN = re.compile(
    r"index|login|logout|password_change(_done)?|autocomplete|jsi18n|view_on_site|app_list"
    r"|\w+_(changelist|add|history|delete|change)"
)


def project_url_names() -> set[str]:
    """Every named URL of the project, except the pages Django's admin site makes by itself
    (a page a ModelAdmin adds with get_urls is the project's)."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if namespace == "admin" and STOCK_ADMIN.fullmatch(pattern.name):
                    continue
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_an_access_decision():
    missing = project_url_names() - set(MATRIX)
    stale = set(MATRIX) - project_url_names()
    assert missing == set(), f"add these URLs to MATRIX: {sorted(missing)}"
    assert stale == set(), f"these MATRIX entries match no URL: {sorted(stale)}"


def outcome(response) -> object:
    location = response.get("Location", "")
    if response.status_code == 302 and ("/accounts/login/" in location
                                        or "/admin/login/" in location):  # fmt: skip
        return LOGIN
    if response.status_code in (401, 403, 404, 405):
        return response.status_code
    assert response.status_code < 500, response.status_code
    return OK


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(name, world, db, client, settings):
    settings.MEDIA_ROOT = world.media  # nothing an action writes lands in the project
    case = MATRIX[name]
    url = reverse(name, args=case.args(world))
    seen = {}
    for user in USERS:
        client.logout()
        if user != "anonymous":
            client.force_login(user_for(user))
        data = case.data(world) if case.data else {}
        send = client.post if case.method == "POST" else client.get
        seen[user] = outcome(send(url, data))
    if os.environ.get("PERMISSION_MATRIX_PRINT"):
        print(f"\n{name}: {seen}")
    assert seen == case.expect
    # The other method is refused where only one is allowed (GET where POST is required).
    if case.method == "POST":
        client.force_login(user_for("admin"))
        refused = client.get(url)
        # set_language answers a GET by redirecting back without changing anything.
        assert refused.status_code == (302 if name == "set_language" else 405)
