"""The open API: tokens × endpoints (the API's permission matrix), scoping, pushes (all or
nothing, idempotent, audited, read-only in the entry form), reads and the schema."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.api.clients import create_client, revoke
from assessment.api.models import ApiClient, ApiPush
from assessment.collection.models import (
    AuditEntry,
    Round,
    RoundStatus,
    Submission,
    SubmissionStatus,
    Value,
)
from assessment.regions.models import Region
from tests.world import REGION_A, REGION_B, user_for, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
FED = "SV.4.1"  # platform-fed in the default system


def token_for(name: str) -> str:
    """A token of one of the matrix's clients (made in the test's transaction)."""
    admin = user_for("admin")
    specs = {
        "national_reader": {"scope": None, "can_read": True, "push_indicators": []},
        "hangzhou_reader": {
            "scope": Region.objects.get(code="330100"),
            "can_read": True,
            "push_indicators": [],
        },
        "hangzhou_pusher": {
            "scope": Region.objects.get(code="330100"),
            "can_read": False,
            "push_indicators": [FED, "SV.4.3"],
        },
        "guangdong_reader": {
            "scope": Region.objects.get(code="440000"),
            "can_read": True,
            "push_indicators": [],
        },
    }
    if name == "revoked":
        client, token = create_client(name=name, user=admin, **specs["national_reader"])
        revoke(client)
        return token
    if name == "none":
        return ""
    if name == "forged":
        return "gm_" + "x" * 43
    _client, token = create_client(name=name, user=admin, **specs[name])
    return token


def call(client, method: str, url: str, token: str, body=None, key: str = "k-1"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    headers["HTTP_ACCEPT_LANGUAGE"] = "en"  # problems come in the caller's language
    if method == "GET":
        return client.get(url, **headers)
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def push_body(region: str = REGION_A, value="91.5", indicator: str = FED) -> dict:
    return {"values": [{"region": region, "indicator": indicator, "value": value}]}


def endpoints(world) -> dict[str, tuple[str, str, object]]:
    published, open_ = world.published_round, world.open_round
    return {
        "rounds": ("GET", "/api/v1/rounds", None),
        "round": ("GET", f"/api/v1/rounds/{published}", None),
        "ranking": ("GET", f"/api/v1/rounds/{published}/ranking?level=county", None),
        "profile": ("GET", f"/api/v1/rounds/{published}/regions/{REGION_A}", None),
        "indicator": ("GET", f"/api/v1/rounds/{published}/indicators/DS.1.1", None),
        "push": ("POST", f"/api/v1/rounds/{open_}/values", push_body()),
    }


# token → endpoint → status. Readers read (their subtree), pushers push (their indicators);
# a client outside the rounds' province finds nothing (404); no valid token: 401 everywhere.
READ_OK = {
    "rounds": 200,
    "round": 200,
    "ranking": 200,
    "profile": 200,
    "indicator": 200,
    "push": 403,
}
MATRIX = {
    "none": dict.fromkeys(READ_OK, 401),
    "forged": dict.fromkeys(READ_OK, 401),
    "revoked": dict.fromkeys(READ_OK, 401),
    "national_reader": READ_OK,
    "hangzhou_reader": READ_OK,
    "hangzhou_pusher": {**dict.fromkeys(READ_OK, 403), "push": 200},
    "guangdong_reader": {
        **READ_OK,
        "round": 404,
        "ranking": 404,
        "profile": 404,
        "indicator": 404,
    },
}


@pytest.mark.parametrize("token_name", list(MATRIX))
def test_api_permission_matrix(token_name, world, client):
    token = token_for(token_name)
    answers = {}
    for name, (method, url, body) in endpoints(world).items():
        response = call(client, method, url, token, body, key=f"matrix-{name}")
        answers[name] = response.status_code
        assert response["Content-Type"].startswith("application/json"), (name, response)
    assert answers == MATRIX[token_name]


def test_a_client_sees_only_its_subtree(world, client):
    token = token_for("hangzhou_reader")
    published = world.published_round
    ranking = call(client, "GET", f"/api/v1/rounds/{published}/ranking?page_size=500", token)
    codes = {row["region"] for row in ranking.json()["items"]}
    assert codes and all(code.startswith("3301") for code in codes)
    assert ranking.json()["count"] == len(codes)
    outside = call(client, "GET", f"/api/v1/rounds/{published}/regions/{REGION_B}", token)
    assert outside.status_code == 404
    other_parent = call(client, "GET", f"/api/v1/rounds/{published}/ranking?parent=330200", token)
    assert other_parent.status_code == 404
    rounds = call(client, "GET", "/api/v1/rounds", token).json()
    assert {row["id"] for row in rounds["items"]} >= {published, world.open_round}
    nothing = call(client, "GET", "/api/v1/rounds", token_for("guangdong_reader")).json()
    assert nothing["count"] == 0


def test_ranking_matches_the_read_model(world, client):
    from assessment.results.models import Standing

    token = token_for("national_reader")
    published = world.published_round
    body = call(client, "GET", f"/api/v1/rounds/{published}/ranking?level=city", token).json()
    stored = Standing.objects.filter(round_id=published, region_level="city").order_by("rank")
    assert [row["region"] for row in body["items"]] == [s.region_id for s in stored]
    first, standing = body["items"][0], stored[0]
    assert first["score"] == standing.score and first["rank"] == 1
    assert [area["code"] for area in first["areas"]] == ["DS", "SV", "BL", "PP"]
    assert first["areas"][0]["score"] == standing.area_1


def test_profile_reads_results_and_values(world, client):
    token = token_for("national_reader")
    body = call(
        client, "GET", f"/api/v1/rounds/{world.published_round}/regions/{REGION_A}", token
    ).json()
    assert body["region"] == REGION_A and body["name"] == "西湖区"
    leaves = {row["code"]: row for row in body["results"] if row["kind"] == "indicator"}
    assert len(leaves) == 43
    stored = Value.objects.get(
        submission__round_id=world.published_round,
        submission__region_id=REGION_A,
        indicator__code="DS.1.1",
    )
    assert Decimal(leaves["DS.1.1"]["value"]) == stored.value
    assert body["overall"]["region"] == REGION_A


def test_results_of_unpublished_rounds_are_not_read(world, client):
    token = token_for("national_reader")
    response = call(client, "GET", f"/api/v1/rounds/{world.open_round}/ranking", token)
    assert response.status_code == 404
    assert "not published" in response.json()["detail"]


def test_push_writes_fed_values_with_audit_and_version(world, client):
    token = token_for("hangzhou_pusher")
    submission = Submission.objects.get(round_id=world.open_round, region_id=REGION_A)
    before = submission.version
    body = {
        "values": [
            {"region": REGION_A, "indicator": FED, "value": 91.5},
            {"region": "330102", "indicator": "SV.4.3", "value": "88"},
        ]
    }
    response = call(
        client, "POST", f"/api/v1/rounds/{world.open_round}/values", token, body, key="first"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["changed"] >= 1
    value = Value.objects.get(submission=submission, indicator__code=FED)
    assert value.value == Decimal("91.5") and value.fed_from == "API · hangzhou_pusher"
    submission.refresh_from_db()
    assert submission.version == before + 1
    entry = AuditEntry.objects.filter(submission=submission, indicator__code=FED).first()
    assert (entry.source, entry.new) == ("platform", "91.5")
    assert entry.reason == "API · hangzhou_pusher · Idempotency-Key first · 2 行"
    assert entry.actor is None  # a machine wrote it


def test_push_is_idempotent_by_key(world, client):
    token = token_for("hangzhou_pusher")
    url = f"/api/v1/rounds/{world.open_round}/values"
    first = call(client, "POST", url, token, push_body(value="77"), key="same")
    audit = AuditEntry.objects.count()
    again = call(client, "POST", url, token, push_body(value="77"), key="same")
    assert first.status_code == again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert AuditEntry.objects.count() == audit
    other_body = call(client, "POST", url, token, push_body(value="78"), key="same")
    assert other_body.status_code == 409
    assert ApiPush.objects.filter(key="same").count() == 1


BAD_ROWS = [
    ({"region": "999999", "indicator": FED, "value": 1}, "Unknown region"),
    ({"region": "abc", "indicator": FED, "value": 1}, "six-digit"),
    ({"region": REGION_A, "indicator": "XX.9", "value": 1}, "Unknown indicator"),
    ({"region": REGION_A, "indicator": "SV.4.2", "value": 1}, "may not push"),
    ({"region": REGION_A, "indicator": FED, "value": 140}, "at most"),
    ({"region": REGION_A, "indicator": FED, "value": "八十"}, "number"),
    ({"region": REGION_B, "indicator": FED, "value": 80}, "outside"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_push_is_all_or_nothing_with_a_problem_list(row, message, world, client):
    token = token_for("hangzhou_pusher")
    good = {"region": "330102", "indicator": FED, "value": 66}
    before = Value.objects.filter(submission__round_id=world.open_round).count()
    audit = AuditEntry.objects.count()
    response = call(
        client,
        "POST",
        f"/api/v1/rounds/{world.open_round}/values",
        token,
        {"values": [good, row]},
        key="bad",
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert any(message.lower() in p["message"].lower() for p in problems), problems
    assert {p["index"] for p in problems} == {1}
    assert Value.objects.filter(submission__round_id=world.open_round).count() == before
    assert AuditEntry.objects.count() == audit
    assert not ApiPush.objects.filter(key="bad").exists()  # a fixed retry may use the key


def test_duplicate_rows_and_locked_submissions_are_refused(world, client):
    token = token_for("hangzhou_pusher")
    url = f"/api/v1/rounds/{world.open_round}/values"
    row = {"region": REGION_A, "indicator": FED, "value": 70}
    twice = call(client, "POST", url, token, {"values": [row, row]}, key="dup")
    assert twice.status_code == 422 and "twice" in twice.json()["problems"][0]["message"]
    Submission.objects.filter(round_id=world.open_round, region_id=REGION_A).update(
        status=SubmissionStatus.APPROVED
    )
    locked = call(client, "POST", url, token, {"values": [row]}, key="locked")
    assert locked.status_code == 422 and "locked" in locked.json()["problems"][0]["message"]


def test_wrong_types_and_missing_key_are_4xx(world, client):
    token = token_for("hangzhou_pusher")
    url = f"/api/v1/rounds/{world.open_round}/values"
    assert call(client, "POST", url, token, {"values": "x"}).status_code == 422
    assert call(client, "POST", url, token, {"values": [{"region": 1}]}).status_code == 422
    no_key = client.post(
        url,
        data=json.dumps(push_body()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert no_key.status_code == 422
    garbage = client.post(
        url,
        data=b"{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="g",
    )
    assert garbage.status_code in (400, 422)


def test_a_push_into_a_closed_round_is_refused(world, client):
    token = token_for("hangzhou_pusher")
    url = f"/api/v1/rounds/{world.published_round}/values"
    response = call(client, "POST", url, token, push_body())
    assert response.status_code == 422 and "monthly" in response.json()["problems"][0]["message"]


def test_a_monthly_round_recomputes_after_a_push(world, client):
    from assessment.jobs.models import Job

    Round.objects.filter(pk=world.published_round).update(monthly=True)
    token = token_for("hangzhou_pusher")
    url = f"/api/v1/rounds/{world.published_round}/values"
    with pytest.raises(AssertionError):  # approved submissions stay writable for platforms
        assert (
            Submission.objects.filter(
                round_id=world.published_round, status=SubmissionStatus.APPROVED
            ).count()
            == 0
        )
    response = call(client, "POST", url, token, push_body(value="12.5"), key="monthly")
    assert response.status_code == 200, response.json()
    assert response.json()["recompute"] is True
    job = Job.objects.get(kind="results.compute", params__round=world.published_round)
    assert job.owner == user_for("admin")


def test_the_token_is_stored_hashed_and_last_use_recorded(world, client):
    token = token_for("national_reader")
    stored = ApiClient.objects.get(name="national_reader")
    assert token not in (stored.token_hash, stored.token_hint) and stored.last_used_at is None
    assert stored.token_hint == token[:10]
    call(client, "GET", "/api/v1/rounds", token)
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_schema_and_docs_are_published_without_a_token(world, client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/rounds/{round_id}/values" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()


def test_entry_form_shows_fed_values_read_only(world, client):
    submission = Submission.objects.get(round_id=world.open_round, region_id=REGION_A)
    call(
        client,
        "POST",
        f"/api/v1/rounds/{world.open_round}/values",
        token_for("hangzhou_pusher"),
        push_body(value="93"),
        key="form",
    )
    client.force_login(user_for("staff_a"))
    url = reverse("assessment:entry", args=[world.open_round, REGION_A])
    page = client.get(url).content.decode()
    assert 'data-testid="fed-SV.4.1"' in page and 'name="value-SV.4.1"' not in page
    assert "API · hangzhou_pusher" in page
    submission.refresh_from_db()
    response = client.post(
        url, {"version": submission.version, "value-SV.4.1": "10", "note-SV.4.1": "平台口径说明"}
    )
    assert response.status_code in (200, 302)
    value = Value.objects.get(submission=submission, indicator__code=FED)
    assert value.value == Decimal("93") and value.note == "平台口径说明"


def test_status_of_rounds_is_reported(world, client):
    token = token_for("national_reader")
    rows = call(client, "GET", "/api/v1/rounds", token).json()["items"]
    statuses = {row["id"]: row["status"] for row in rows}
    assert statuses[world.published_round] == RoundStatus.PUBLISHED
    assert statuses[world.open_round] == RoundStatus.OPEN


def test_a_body_over_the_limit_is_413_and_writes_nothing(world, client, settings):
    token = token_for("hangzhou_pusher")
    row = {"region": REGION_A, "indicator": FED, "value": 1}
    body = {"values": [row] * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 40)}
    audit = AuditEntry.objects.count()
    response = call(client, "POST", f"/api/v1/rounds/{world.open_round}/values", token, body)
    assert response.status_code == 413 and "MB" in response.json()["detail"]
    assert AuditEntry.objects.count() == audit


def test_each_client_has_its_own_rate_limit(world, client, settings):
    from ninja.throttling import AuthRateThrottle

    limit = AuthRateThrottle(settings.API_RATE).num_requests
    busy, quiet = token_for("national_reader"), token_for("hangzhou_reader")
    statuses = [
        call(client, "GET", "/api/v1/rounds?page_size=1", busy).status_code
        for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit and statuses[-1] == 429
    assert call(client, "GET", "/api/v1/rounds?page_size=1", quiet).status_code == 200


def count_queries(action) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_ranking_and_results_read_a_fixed_number_of_queries(world, client):
    token = token_for("national_reader")
    published = world.published_round
    call(client, "GET", "/api/v1/rounds", token)  # the first use records itself
    for path in ("ranking", "indicators/DS.1.1"):
        small = count_queries(
            lambda p=path: call(client, "GET", f"/api/v1/rounds/{published}/{p}?page_size=5", token)
        )
        large = count_queries(
            lambda p=path: call(
                client, "GET", f"/api/v1/rounds/{published}/{p}?page_size=100", token
            )
        )
        # token lookup, round, area codes (ranking), page, count: whatever the page's size
        assert small == large <= 6, (path, small, large)


def test_the_clients_page_reads_a_fixed_number_of_queries(world, client):
    client.force_login(user_for("admin"))
    url = reverse("assessment:api_clients")
    token_for("national_reader")
    client.get(url)  # the session's first request writes to it
    one = count_queries(lambda: client.get(url))
    for name in ("hangzhou_reader", "hangzhou_pusher", "guangdong_reader", "revoked"):
        token_for(name)
    assert count_queries(lambda: client.get(url)) == one


def test_the_clients_page_creates_shows_once_rotates_and_revokes(world, client):
    client.force_login(user_for("admin"))
    url = reverse("assessment:api_clients")
    page = client.post(url, {"name": "省大数据局驾驶舱", "scope": "330000", "can_read": "on"})
    assert page.status_code == 200
    created = ApiClient.objects.get(name="省大数据局驾驶舱")
    token = page.context["token"]
    assert token.startswith("gm_") and token in page.content.decode()
    assert created.scope_id == "330000" and created.can_read and created.push_indicators == []
    assert token not in client.get(url).content.decode()  # shown once
    assert call(client, "GET", "/api/v1/rounds", token).status_code == 200
    rotated = client.post(reverse("assessment:api_client_rotate", args=[created.pk]))
    new_token = rotated.context["token"]
    assert new_token != token
    assert call(client, "GET", "/api/v1/rounds", token).status_code == 401
    assert call(client, "GET", "/api/v1/rounds", new_token).status_code == 200
    client.post(reverse("assessment:api_client_revoke", args=[created.pk]))
    assert call(client, "GET", "/api/v1/rounds", new_token).status_code == 401


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "can_read": "on"}, "name"),
        ({"name": "x", "scope": "999999", "can_read": "on"}, "scope"),
        ({"name": "x", "push_indicators": ["DS.1.1"]}, "push_indicators"),  # not platform-fed
        ({"name": "x"}, "__all__"),  # may do nothing
    ],
)
def test_bad_client_forms_are_form_errors(data, field, world, client):
    client.force_login(user_for("admin"))
    response = client.post(reverse("assessment:api_clients"), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not ApiClient.objects.filter(name="x").exists()


def error_report(request) -> tuple[str, str]:
    """The text and HTML report of an error raised while serving `request` (this frame holds
    the request only, as a view's frame would)."""
    from django.views.debug import ExceptionReporter

    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        report = ExceptionReporter(request, type(error), error, error.__traceback__)
        return report.get_traceback_text(), report.get_traceback_html()


def test_error_reports_never_show_a_token(world, client):
    """A server error's report (DEBUG page, admin e-mail, log) hides the Authorization header
    (Django's own filter hides headers named like AUTH); the token is not in the request's
    URL either, so access logs do not hold it."""
    from django.test import RequestFactory

    token = token_for("national_reader")
    request = RequestFactory().get("/api/v1/rounds", HTTP_AUTHORIZATION=f"Bearer {token}")
    text, html = error_report(request)
    assert "HTTP_AUTHORIZATION" in text and token not in text and token not in html


def test_the_token_check_hides_its_token_from_error_reports():
    """Were the token check itself to fail, its frame's token is not in the report."""
    from django.test import RequestFactory
    from django.views.debug import ExceptionReporter

    from assessment.api.auth import ClientToken

    secret = b"gm_not-text-so-the-check-fails"  # bytes: the check's text handling raises
    request = RequestFactory().get("/api/v1/rounds")
    try:
        ClientToken().authenticate(request, secret)
    except AttributeError as error:
        report = ExceptionReporter(request, type(error), error, error.__traceback__)
        frames = report.get_traceback_frames()
    frame = next(f for f in frames if f["function"] == "authenticate")
    shown = dict(frame["vars"])
    assert "gm_not-text" not in str(shown["token"])


def test_the_ranking_filters_like_the_page(world, client):
    from assessment.results.models import Standing

    token = token_for("national_reader")
    url = f"/api/v1/rounds/{world.published_round}/ranking"
    level = Standing.objects.filter(round_id=world.published_round).values_list(
        "maturity__code", flat=True
    )
    code = next(c for c in level if c)
    body = call(client, "GET", f"{url}?maturity={code}&page_size=500", token).json()
    expected = Standing.objects.filter(round_id=world.published_round, maturity__code=code)
    assert {row["region"] for row in body["items"]} == set(
        expected.values_list("region_id", flat=True)
    )
    assert all(row["maturity"]["code"] == code for row in body["items"])
    under = call(client, "GET", f"{url}?parent=330100&level=county&page_size=500", token).json()
    assert (
        under["count"]
        == Standing.objects.filter(round_id=world.published_round, parent_id="330100").count()
    )
    assert call(client, "GET", f"{url}?level=galaxy", token).status_code == 422
    assert call(client, "GET", f"{url}?page=0", token).status_code == 422
    assert call(client, "GET", f"{url}?page=99999", token).json()["items"] == []
