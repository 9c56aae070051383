"""Every URL of the permission matrix, fuzzed: hypothesis-generated query parameters (GET) and
form fields (POST), sent by a user who may use the page (the administrator; the region's own
staff for the steps only they take).

For every request:
1. the answer is never a server error (5xx or an exception): a clear 4xx, a redirect or the
   form again with its errors are all fine;
2. a GET writes nothing to the database, nor does a POST that is answered with a 4xx.

Writes are seen by a database execute wrapper: every INSERT, UPDATE or DELETE that changed a
row, except in the session table (the session store keeps the session alive and holds the
flash messages: bookkeeping of the request, not of the view). Each example runs in a savepoint
that is rolled back, so every request starts from the same demo world.

INPUTS names, per MATRIX key, the parameters each view reads (each app's views/ and forms/,
the dashboards' filters): a URL added to MATRIX without its entry here fails
`test_every_url_has_fuzz_inputs`. Values are in tests/fuzz/inputs.py. REGRESSIONS are inputs
that once gave a 500: they are always tried.

Run: `.venv/bin/python -m pytest tests/fuzz -q` (derandomized: the same examples every run,
so a failure can be replayed). To explore further locally: `FUZZ_EXAMPLES=400` (examples per URL and
method; 40 by default), `FUZZ_RANDOM=1` (new examples every run instead of the fixed ones),
`FUZZ_STATUSES=1 … -s` (how each URL answered: is the fuzz getting past the forms?).
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from http.cookies import SimpleCookie
from itertools import combinations

import pytest
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from assessment.collection.models import Submission
from tests.fuzz.inputs import Inputs, Request, entry_fields, plausible_values
from tests.fuzz.inputs import request_strategy as strategy_for
from tests.test_permission_matrix import FORBIDDEN, LOGIN, MATRIX, NOT_FOUND, REGION_A
from tests.world import user_for, world_fixture  # noqa: F401 (the `world` fixture)

RANKING = ("level", "parent", "maturity", "rank_by", "race", "focus", "sort", "page",
           "per_page", "show")  # fmt: skip
PUBLIC_RANKING = (*RANKING, "progress_sort", "progress_page", "progress_per_page")
ROUND_FORM = ("name", "period", "system", "scope", "levels", "opens_at", "closes_at", "previous",
              "task_threshold")  # fmt: skip
ENTRY_FORM = ("version", "action", "remove-evidence",
              *entry_fields("value", "note", "link", "resolve-value", "resolve-note"))  # fmt: skip
REVIEW_FORM = ("reason", *entry_fields("comment"))
PRACTICE_FORM = ("title", "description", "results", "contacts", "link")
# The AHP page's comparisons: two experts over the four areas (a-<expert>-<i>-<j>).
AHP_CELLS = tuple(f"a-{k}-{i}-{j}" for k in (1, 2) for i, j in combinations(range(1, 5), 2))
AHP_FORM = ("group", "experts", "members", "action", *AHP_CELLS)
SLOW = 4  # examples for pages that compute or write a whole workbook
JUNK_ONLY = 5  # examples for a URL and method that read no parameter

# fmt: off
INPUTS: dict[str, Inputs] = {
    # Public or account pages
    "login": Inputs(query=("next",), form=("username", "password", "next")),
    "logout": Inputs(query=("next",), form=("next",)),
    "password_change": Inputs(form=("old_password", "new_password1", "new_password2")),
    "password_change_done": Inputs(),
    "set_language": Inputs(query=("next",), form=("language", "next")),
    "healthz": Inputs(),
    "assessment:public_index": Inputs(),
    "assessment:public_round": Inputs(query=PUBLIC_RANKING),
    "assessment:home": Inputs(),
    # Rounds
    "assessment:round_list": Inputs(),
    "assessment:round_new": Inputs(form=ROUND_FORM),
    "assessment:round_detail": Inputs(),
    "assessment:round_edit": Inputs(form=ROUND_FORM),
    "assessment:round_open": Inputs(form=()),
    "assessment:round_close": Inputs(form=()),
    "assessment:round_extend": Inputs(form=("region", "closes_at", "reason")),
    "assessment:progress": Inputs(query=("chased",)),
    "assessment:round_compute": Inputs(query=("next",), form=("next", "confirm"), examples=SLOW),
    "assessment:round_fill_completion": Inputs(form=("source", "indicator", "confirm"),
                                               examples=15),
    # One region's submission
    "assessment:entry": Inputs(form=ENTRY_FORM, files=entry_fields("file"), post_user="staff_a"),
    "assessment:entry_history": Inputs(),
    "assessment:submission_return": Inputs(form=REVIEW_FORM),
    "assessment:submission_approve": Inputs(form=REVIEW_FORM),
    "assessment:submission_reopen": Inputs(form=("reason",)),
    "assessment:evidence": Inputs(),
    "assessment:review_queue": Inputs(),
    # Bulk import and export
    "assessment:export": Inputs(examples=SLOW),
    "assessment:import": Inputs(form=("include_approved",), files=("workbook",)),
    "assessment:import_report": Inputs(),
    "assessment:import_apply": Inputs(form=()),
    "assessment:import_problems": Inputs(),
    # Results and dashboards
    "assessment:results": Inputs(),
    "assessment:ranking": Inputs(query=RANKING),
    "assessment:profile": Inputs(),
    "assessment:round_publish": Inputs(query=("next",), form=("next",)),
    # Excel reports
    "assessment:round_report": Inputs(query=RANKING, form=(), examples=SLOW),
    "assessment:ranking_csv": Inputs(query=RANKING),
    "assessment:written_report": Inputs(query=RANKING, form=("format",), examples=SLOW),
    "assessment:profile_report": Inputs(examples=SLOW),
    "assessment:round_unpublish": Inputs(query=("next",), form=("next", "confirm")),
    # Verification
    "assessment:verification_queue": Inputs(query=("round",)),
    "assessment:verify": Inputs(form=tuple(f"{name}-DS.1.1" for name in
                                           ("action", "value", "reason", "note", "version"))),
    "assessment:sample_sheet": Inputs(query=("rows",), form=(
        "item-TOTAL_FORMS", "item-INITIAL_FORMS", "item-0-label", "item-0-counts", "item-0-note",
        "item-0-position", "version", "note"), files=("item-0-screenshot",)),
    "assessment:verification_blocks": Inputs(form=("verifier", "region", "indicators")),
    "assessment:verification_block_remove": Inputs(),
    "assessment:verifier_evidence_add": Inputs(form=("link", "next"), files=("files",)),
    "assessment:verifier_evidence": Inputs(),
    "assessment:verifier_evidence_remove": Inputs(form=("next",)),
    "assessment:verification_summary": Inputs(),
    "assessment:verification_policy": Inputs(form=("requirement", "indicator_codes",
                                                   "supervisors_verify")),
    # The open API's clients page; the API itself (sessions get 401; schemathesis fuzzes it
    # with tokens: tests/assessment/api/test_api_schema.py)
    "assessment:api_clients": Inputs(form=("name", "scope", "can_read", "push_indicators")),
    "assessment:api_client_rotate": Inputs(),
    "assessment:api_client_revoke": Inputs(),
    "assessment:appeal_publish": Inputs(form=("working_days",)),
    "assessment:appeal_new": Inputs(form=("indicator", "category", "department", "statement",
                                          "link"), files=("files",)),
    "assessment:appeal_queue": Inputs(query=("status", "page")),
    "assessment:appeal_detail": Inputs(),
    "assessment:appeal_decide": Inputs(form=("action", "value", "reason")),
    "assessment:appeal_evidence": Inputs(),
    "assessment:department_board": Inputs(),
    "assessment:department_resolve": Inputs(form=("resolution",)),
    "assessment:feed_list": Inputs(form=("indicator", "source_name", "aggregation",
                                         "region_column", "value_column", "condition_column",
                                         "condition_op", "condition_value", "date_column",
                                         "date_from", "date_to"), files=("file",)),
    "assessment:feed_report": Inputs(),
    "assessment:feed_apply": Inputs(form=()),
    "assessment:population": Inputs(form=(), files=("file",)),
    "api:openapi-json": Inputs(),
    "api:openapi-view": Inputs(),
    "api:api-root": Inputs(),
    "api:rounds": Inputs(query=("page", "page_size")),
    "api:round_detail": Inputs(),
    "api:ranking": Inputs(query=("level", "parent", "maturity", "page", "page_size")),
    "api:profile": Inputs(),
    "api:indicator_results": Inputs(query=("level", "parent", "page", "page_size")),
    "api:push_values": Inputs(form=()),
    # Expert panels
    "assessment:panel_setup": Inputs(form=("indicator_codes", "experts_per_cell", "rule",
                                           "spread", "show_self_assessment", "reason")),
    "assessment:panel_add_expert": Inputs(form=("username", "home_region")),
    "assessment:panel_remove_expert": Inputs(),
    "assessment:panel_assign": Inputs(),
    "assessment:panel_hand_assign": Inputs(form=("expert", "region", "indicators")),
    "assessment:panel_queue": Inputs(query=("page",)),
    "assessment:panel_score": Inputs(form=("level", "justification", "version")),
    "assessment:panel_evidence": Inputs(),
    "assessment:panel_step_screenshot": Inputs(),
    "assessment:panel_adjudication": Inputs(query=("page",)),
    "assessment:panel_adjudicate": Inputs(form=("level", "reason")),
    # Background jobs
    "assessment:jobs": Inputs(query=("page",)),
    "assessment:job": Inputs(),
    "assessment:job_status": Inputs(),
    "assessment:job_download": Inputs(),
    "assessment:job_cancel": Inputs(),
    "assessment:job_retry": Inputs(),
    # Rectification tasks
    "assessment:task_list": Inputs(query=("round", "region", "status", "overdue", "page")),
    "assessment:notice_list": Inputs(query=("round", "region", "status", "overdue", "page")),
    "assessment:notice_detail": Inputs(),
    "assessment:task_detail": Inputs(),
    "assessment:task_answer": Inputs(form=("plan", "note", "percent", "link"), files=("files",)),
    "assessment:task_done": Inputs(form=("note",)),
    "assessment:task_verify": Inputs(form=("note",)),
    "assessment:task_reopen": Inputs(form=("reason",)),
    "assessment:task_edit": Inputs(form=("title", "finding", "due_date")),
    "assessment:task_evidence": Inputs(),
    "assessment:task_new": Inputs(query=("indicator",),
                                  form=("indicator", "title", "finding", "due_date")),
    "assessment:task_progress": Inputs(query=("level", "show", "page")),
    # Shared practices
    "assessment:practice_library": Inputs(query=("q", "area", "indicator", "region", "status",
                                                 "page")),
    "assessment:practice_detail": Inputs(),
    "assessment:practice_evidence": Inputs(),
    "assessment:practice_edit": Inputs(form=PRACTICE_FORM, files=("files",)),
    "assessment:practice_approve": Inputs(form=("note",)),
    "assessment:practice_return": Inputs(form=("note",)),
    "assessment:practice_new": Inputs(query=("indicator",), form=("indicator", *PRACTICE_FORM),
                                      files=("files",)),
    "assessment:practice_invite": Inputs(form=("indicator", "note")),
    # Indicator systems' admin: AHP weights of a draft
    "admin:indicators_indicatorsystem_ahp": Inputs(query=("group", "experts"), form=AHP_FORM),
    # Classification schemes' admin: classes from Excel
    "admin:regions_classification_import": Inputs(files=("workbook",)),
    "admin:regions_classification_export": Inputs(),
    # Actions: withdrawing a submission (region A's staff); approving several from the queue
    "assessment:submission_withdraw": Inputs(form=("reason",)),
    "assessment:review_approve_many": Inputs(form=("submission",)),
    # Notifications and 催报
    "assessment:notifications": Inputs(query=("page",)),
    "assessment:notification_read": Inputs(form=("go", "next")),
    "assessment:notifications_read_all": Inputs(form=("next",)),
    "assessment:notification_preferences": Inputs(form=("email_immediately", "daily_digest",
                                                        "muted")),
    "assessment:progress_chase": Inputs(form=("region", "not_started")),
}
# fmt: on

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = hypothesis_settings(
    deadline=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=False,
)


def cases() -> list[tuple[str, str]]:
    """(URL name, method): the MATRIX method, and POST too where a GET page takes a form."""
    found = []
    for name in sorted(MATRIX):
        found.append((name, MATRIX[name].method))
        if MATRIX[name].method == "GET" and INPUTS.get(name, Inputs()).form is not None:
            found.append((name, "POST"))
    return found


def fuzz_user(name: str, method: str) -> str:
    """The administrator, or region A's staff where only they may take the step."""
    inputs = INPUTS[name]
    if method == "POST" and MATRIX[name].method == "GET" and inputs.post_user:
        return inputs.post_user
    return "staff_a" if MATRIX[name].expect["admin"] in (FORBIDDEN, NOT_FOUND) else "admin"


LOGIN_PATH = "/accounts/login/"
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+["`]?(\w+)', re.I)
UNWATCHED = {"django_session"}


class WriteLog:
    """Execute wrapper: the write statements that changed at least one row."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        write = WRITE.match(sql)
        if write and write.group(1) not in UNWATCHED and context["cursor"].rowcount != 0:
            self.statements.append(f"{sql[:160]} {str(params)[:160]}")
        return result


@dataclass
class Session:
    """A logged-in client whose cookies are reset before every request (a logout or a
    language switch in one example does not carry over to the next)."""

    client: object
    user: str
    cookies: dict[str, str]
    logs_out: bool = False  # the URL ends the session (logout): the login page is its answer

    def reset(self) -> None:
        self.client.cookies = SimpleCookie(self.cookies)


def login(client, user: str, *, logs_out: bool = False) -> Session:
    client.force_login(user_for(user))
    cookies = {key: morsel.value for key, morsel in client.cookies.items()}
    return Session(client, user, cookies, logs_out)


def send(session: Session, url: str, request: Request):
    client = session.client
    if request.method == "GET":
        return client.get(url, request.query)
    if request.query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(request.query, doseq=True)}"
    return client.post(url, {**request.form, **request.files})


def read_body(response) -> bytes:
    """The whole body: a streamed file or CSV fails while it is read, not before. The test
    client closes a streamed response once it is read (closing it again would send
    request_finished a second time, and Django would then close the test's connection)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def check(session: Session, url: str, request: Request) -> None:
    """Send `request` in a savepoint that is rolled back; no 5xx, and no write where none
    is allowed."""
    for upload in request.files.values():
        for item in upload if isinstance(upload, list) else [upload]:
            if hasattr(item, "seek"):
                item.seek(0)  # hypothesis may send the same upload object again
    writes = WriteLog()
    with transaction.atomic():
        session.reset()
        try:
            with connection.execute_wrapper(writes):
                response = send(session, url, request)
                read_body(response)
        except Exception as error:
            error.add_note(f"{request.method} {url} as {session.user}: {request!r}")
            raise
        finally:
            transaction.set_rollback(True)
    status = response.status_code
    if STATUSES is not None:
        STATUSES[f"{request.method} {url}"][status] += 1
    where = f"{request.method} {url} as {session.user}: {request!r}"
    assert status < 500, f"{status} for {where}"
    # Still logged in: a suite that only ever saw the login page would pass for nothing.
    if not session.logs_out:
        assert LOGIN_PATH not in response.get("Location", ""), f"logged out by {where}"
    if request.method == "GET" or 400 <= status < 500:
        assert writes.statements == [], f"{status} wrote to the database for {where}"


# FUZZ_STATUSES=1: how each URL answered, printed at the end of the module (with -s).
STATUSES = defaultdict(Counter) if os.environ.get("FUZZ_STATUSES") else None


@pytest.fixture(scope="module", autouse=True)
def _print_statuses():
    yield
    for where, counts in sorted((STATUSES or {}).items()):
        print(f"{where}: {dict(sorted(counts.items()))}")


def test_every_url_has_fuzz_inputs():
    missing = set(MATRIX) - set(INPUTS)
    stale = set(INPUTS) - set(MATRIX)
    assert missing == set(), f"add the parameters these URLs read to INPUTS: {sorted(missing)}"
    assert stale == set(), f"these INPUTS entries match no MATRIX key: {sorted(stale)}"


@pytest.fixture
def fuzz_world(world, db, settings):
    settings.MEDIA_ROOT = world.media  # nothing an action writes lands in the project
    # Hypothesis reports each failure with its traceback: no log line per failing example.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield world
    logger.setLevel(level)


def current_version(world) -> int:
    return Submission.objects.get(round_id=world.open_round, region_id=REGION_A).version


def exported_workbook(world) -> bytes:
    from assessment.collection.models import Round
    from assessment.collection.services.exporting import export_values

    return export_values(round=Round.objects.get(pk=world.open_round), scope=None)


@pytest.mark.parametrize(("name", "method"), cases())
def test_fuzz(name, method, fuzz_world, client):
    world = fuzz_world
    case, inputs = MATRIX[name], INPUTS[name]
    url = reverse(name, args=case.args(world))
    user = fuzz_user(name, method)
    session = login(client, user, logs_out=case.expect[user] == LOGIN)
    workbook = exported_workbook(world) if "workbook" in inputs.files else b""
    values = plausible_values(world, name, version=current_version(world), workbook=workbook)
    form = inputs.form or ()
    examples = min(inputs.examples or EXAMPLES, EXAMPLES)
    if not inputs.query and not (method == "POST" and (form or inputs.files)):
        examples = min(examples, JUNK_ONLY)  # the view reads no parameter: only junk is sent

    @hypothesis_settings(FUZZ, max_examples=examples)
    @given(request=strategy_for(method, inputs, values, form=form))
    def fuzz(request: Request) -> None:
        check(session, url, request)

    fuzz()


# Inputs that gave a 500 once, always tried. VERSION: the entry form's current version.
VERSION = object()
ENTRY_BASE = {"version": VERSION, "action": "save"}
ROUND_BASE = {"name": "回归测试", "period": "2099", "levels": ["city", "county"],
              "closes_at": "2099-12-31T18:00", "scope": "330000"}  # fmt: skip


@dataclass(frozen=True)
class Regression:
    id: str
    name: str
    method: str
    query: dict
    form: dict


# fmt: off
REGRESSIONS = [
    # Reported: decimal.Overflow in abs() of a Decimal beyond the context's Emax
    Regression("entry-value-1e999999999", "assessment:entry", "POST", {},
               {**ENTRY_BASE, "value-DS.1.3": "1e999999999"}),
    # Reported: int('²') (str.isdigit() is true for superscripts) → ValueError
    Regression("entry-remove-evidence-superscript-2", "assessment:entry", "POST", {},
               {**ENTRY_BASE, "remove-evidence": "²"}),
    # Reported: thirty 1s as an id → OverflowError (SQLite integers are 64-bit)
    Regression("entry-remove-evidence-thirty-ones", "assessment:entry", "POST", {},
               {**ENTRY_BASE, "remove-evidence": "1" * 30}),
    Regression("entry-value-thirty-ones", "assessment:entry", "POST", {},
               {**ENTRY_BASE, "value-DS.1.3": "1" * 30, "value-DS.2.3": "1" * 30}),
    Regression("tasks-round-superscript-2", "assessment:task_list", "GET", {"round": "²"}, {}),
    Regression("tasks-round-20-digits", "assessment:task_list", "GET",
               {"round": "99999999999999999999"}, {}),
    Regression("practice-new-indicator-superscript-2", "assessment:practice_new", "GET",
               {"indicator": "²"}, {}),
    Regression("task-new-indicator-superscript-2", "assessment:task_new", "GET",
               {"indicator": "²"}, {}),
    # Reported: year 1 in Asia/Shanghai is before datetime.min in UTC → "date value out of range"
    Regression("round-new-opens-year-1", "assessment:round_new", "POST", {},
               {**ROUND_BASE, "opens_at": "0001-01-01T00:00"}),
    Regression("round-edit-opens-year-1", "assessment:round_edit", "POST", {},
               {**ROUND_BASE, "opens_at": "0001-01-01T00:00"}),
    Regression("round-extend-closes-year-1", "assessment:round_extend", "POST", {},
               {"region": REGION_A, "reason": "x", "closes_at": "0001-01-01T00:00"}),
    # Found by this suite: `next` that is no URL ("0", ":") goes to resolve_url → reverse()
    # → NoReverseMatch (assessment/core/redirects.py safe_next)
    Regression("compute-next-0", "assessment:round_compute", "POST", {},
               {"next": "0", "confirm": "yes"}),
    Regression("publish-next-colon", "assessment:round_publish", "POST", {"next": ":"}, {}),
    Regression("unpublish-next-0", "assessment:round_unpublish", "POST", {},
               {"next": "0", "confirm": "yes"}),
    # Found by this suite: a per_page below 0 or beyond 1e308 (int / int → 0.0, no page at
    # all) → EmptyPage from django-tables2's RequestConfig (the dashboards' paginated tables)
    Regression("public-round-per-page-minus-1", "assessment:public_round", "GET",
               {"per_page": "-1"}, {}),
    Regression("public-round-progress-per-page-minus-1", "assessment:public_round", "GET",
               {"progress_per_page": "-1"}, {}),
    Regression("ranking-per-page-minus-1", "assessment:ranking", "GET", {"per_page": "-1"}, {}),
    Regression("ranking-per-page-400-digits", "assessment:ranking", "GET",
               {"per_page": "9" * 400}, {}),
    # Found by this suite: urlsplit() raises ValueError on an unclosed IPv6 bracket
    # (assessment/core/evidence.py check_link), on every form with an evidence link
    Regression("entry-link-unclosed-ipv6", "assessment:entry", "POST", {},
               {**ENTRY_BASE, "link-DS.5.1": "http://[::1"}),
    Regression("task-answer-link-unclosed-ipv6", "assessment:task_answer", "POST", {},
               {"plan": "方案", "link": "http://[::1"}),
    Regression("practice-edit-link-unclosed-ipv6", "assessment:practice_edit", "POST", {},
               {"title": "做法", "description": "做法", "results": "成效", "contacts": "张三",
                "link": "http://[::1"}),
]
# fmt: on
assert {r.name for r in REGRESSIONS} <= set(INPUTS), "a regression of an unknown URL"


@pytest.mark.parametrize("regression", REGRESSIONS, ids=lambda regression: regression.id)
def test_regression(regression, fuzz_world, client):
    world = fuzz_world
    name = regression.name
    url = reverse(name, args=MATRIX[name].args(world))
    session = login(client, fuzz_user(name, regression.method))
    form = dict(regression.form)
    if "system" not in form and name in ("assessment:round_new", "assessment:round_edit"):
        from tests.fuzz.inputs import world_system

        form["system"] = str(world_system(world))
    version = str(current_version(world))
    form = {key: version if value is VERSION else value for key, value in form.items()}
    check(session, url, Request(regression.method, dict(regression.query), form))
