"""Random and hostile input to every form: no server error, no partial write, input shown back
escaped. Property-based (hypothesis) where the input space is large, explicit where a single
case matters (a 10 MB string, invalid UTF-8)."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.collection.models import AuditEntry, Round, Submission, Value
from tests.assessment.conftest import entry_url, form_data, value_of

HOSTILE_TEXT = [
    "NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "1e-400", "-5", "-0.0001",
    "100.0000001", "99999999999999999999999999999999", "0x1A", "1_000", "１２", "٣", "1,5",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' OR 1=1 --",
    "=HYPERLINK(\"http://evil\")", "+1", "@SUM(A1)", "\x00", "\u202e12", "😀" * 20, " ", "",
]  # fmt: skip


def fenced(text: str) -> str:
    """Text with markup in it, between brackets no page contains: so that finding it raw in a
    page means it was echoed unescaped, not that it happens to be part of the page's own HTML
    (a lone "<" or "<div>" is in every page)."""
    return f"⟦{text}⟧" if "<" in text else text


hostile = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(max_size=80),
).map(fenced)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PERCENT, RUBRIC, YESNO = "DS.1.1", "DS.5.1", "PP.2.3"


def refused_for_nul(response, *typed: str) -> bool:
    """A NUL character anywhere in the request is refused with a 400 before any view runs
    (RejectNulMiddleware: PostgreSQL cannot hold one); any other 400 is a failure."""
    if response.status_code != 400:
        return False
    assert any("\x00" in text for text in typed), response.content[:300]
    return True


def assert_no_raw_markup(content: str, typed: str) -> None:
    """What the user typed may come back, but only HTML-escaped."""
    if "<" in typed:
        assert typed not in content, "typed markup echoed unescaped"


@pytest.fixture
def staff(xihu, staff_xihu):
    return staff_xihu


@FUZZ
@given(percent=hostile, rubric=hostile, yesno=hostile, note=hostile)
def test_entry_form_survives_hostile_values(client, xihu, staff, percent, rubric, yesno, note):
    client.force_login(staff)
    before = {code: value_of(xihu, code) for code in (PERCENT, RUBRIC, YESNO)}
    fields = {f"value-{PERCENT}": percent, f"value-{RUBRIC}": rubric, f"value-{YESNO}": yesno,
              f"note-{PERCENT}": note}  # fmt: skip
    response = client.post(entry_url(xihu), form_data(xihu, fields))
    assert refused_for_nul(response, *fields.values()) or response.status_code in (200, 302)
    content = response.content.decode() if response.status_code == 200 else ""
    for code, typed in ((PERCENT, percent), (RUBRIC, rubric), (YESNO, yesno)):
        stored = value_of(xihu, code)
        # Whatever was stored is a finite, in-bounds number; anything else left the old value.
        if stored is not None and stored != before[code]:
            assert stored.is_finite()
            assert Decimal(0) <= stored <= Decimal(100)
        assert_no_raw_markup(content, typed)
    assert_no_raw_markup(content, note)


@FUZZ
@given(reason=hostile, comment=hostile)
def test_review_forms_survive_hostile_text(client, xihu, supervisor_hangzhou, reason, comment):
    Submission.objects.filter(pk=xihu.pk).update(status="submitted")
    client.force_login(supervisor_hangzhou)
    url = reverse("assessment:submission_return", args=[xihu.round_id, xihu.region_id])
    response = client.post(url, {"reason": reason, f"comment-{PERCENT}": comment})
    assert refused_for_nul(response, reason, comment) or response.status_code in (200, 302)
    if response.status_code == 200:
        assert_no_raw_markup(response.content.decode(), reason)


@FUZZ
@given(name=hostile, period=hostile, opens=hostile, closes=hostile, scope=hostile)
def test_round_form_survives_hostile_text(
    client, administrator, default_system, name, period, opens, closes, scope
):
    client.force_login(administrator)
    rounds_before = Round.objects.count()
    response = client.post(
        reverse("assessment:round_new"),
        {"name": name, "period": period, "system": str(default_system.pk), "scope": scope,
         "levels": ["city", "county"], "opens_at": opens, "closes_at": closes},
    )  # fmt: skip
    typed = (name, period, opens, closes, scope)
    assert refused_for_nul(response, *typed) or response.status_code in (200, 302)
    if response.status_code in (200, 400):  # refused: nothing written, input shown back escaped
        assert Round.objects.count() == rounds_before
        content = response.content.decode()
        for text in typed:
            assert_no_raw_markup(content, text)


@FUZZ
@given(username=hostile, password=hostile)
def test_login_survives_hostile_text(client, db, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert refused_for_nul(response, username, password) or response.status_code in (200, 429)
    assert_no_raw_markup(response.content.decode(), username)


def test_ten_megabyte_fields_are_refused_cleanly(client, xihu, staff):
    client.force_login(staff)
    huge = "9" * (10 * 1024 * 1024)
    response = client.post(entry_url(xihu), form_data(xihu, {f"note-{PERCENT}": huge}))
    assert response.status_code == 400
    assert "请求过大" in response.content.decode()
    assert not Value.objects.filter(submission=xihu, note=huge).exists()
    assert not AuditEntry.objects.filter(submission=xihu).exists()


def test_invalid_utf8_is_not_a_server_error(client, xihu, staff):
    client.force_login(staff)
    body = f"version=0&action=save&value-{PERCENT}=%FF%FE%80&note-{PERCENT}=%C3%28"
    response = client.post(entry_url(xihu), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302, 400)
    assert value_of(xihu, PERCENT) is None


def test_a_value_with_markup_is_shown_back_escaped_next_to_its_error(client, xihu, staff):
    client.force_login(staff)
    typed = "<b>85</b>"
    response = client.post(entry_url(xihu), form_data(xihu, {f"value-{PERCENT}": typed}))
    content = response.content.decode()
    assert response.status_code == 200
    assert html.escape(typed) in content and typed not in content
    assert value_of(xihu, PERCENT) is None
