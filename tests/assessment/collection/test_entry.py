"""The entry form: who may see and edit it, drafts that keep everything, submit, locks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.collection.models import AuditEntry, Extension, Submission, Value
from assessment.collection.services.rounds import round_close
from tests.assessment.builders import make_round
from tests.assessment.conftest import entry_url, fill, form_data, value_of

# --- Who may see and edit ----------------------------------------------------------------------


def test_staff_see_their_editable_form(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    page = client.get(entry_url(xihu)).content.decode()
    assert 'data-testid="entry-form"' in page
    assert 'name="value-DS.1.1"' in page and 'name="file-DS.5.1"' in page
    assert "政务数据目录编制覆盖率" in page  # names, guidance and basis are shown
    assert "已编制政务数据目录的政务信息系统数" in page
    assert "《全国一体化政务大数据体系建设指南》" in page
    assert "尚无相关制度" in page  # rubric level descriptions


@pytest.mark.parametrize("reader", ["supervisor_hangzhou", "evaluator_zhejiang", "administrator"])
def test_others_who_may_see_it_read_it(client, xihu, reader, request):
    client.force_login(request.getfixturevalue(reader))
    response = client.get(entry_url(xihu))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="entry-form"' not in page
    assert 'name="value-DS.1.1"' not in page


@pytest.mark.parametrize("outsider", ["staff_binjiang", "supervisor_ningbo", "nobody"])
def test_the_form_of_another_region_does_not_exist(client, xihu, outsider, request):
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(entry_url(xihu)).status_code == 404
    assert client.post(entry_url(xihu), form_data(xihu)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, xihu):
    response = client.post(entry_url(xihu), form_data(xihu))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("wrong_role", ["supervisor_hangzhou", "administrator"])
def test_only_the_regions_staff_may_save(client, xihu, wrong_role, request):
    client.force_login(request.getfixturevalue(wrong_role))
    response = client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": "85"}))
    assert response.status_code == 403
    assert value_of(xihu, "DS.1.1") is None


def test_put_is_not_allowed(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    assert client.put(entry_url(xihu)).status_code == 405


# --- Saving drafts -----------------------------------------------------------------------------


def test_save_draft_stores_values_notes_and_an_audit_trail(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    data = form_data(xihu, {"value-DS.1.1": "85.5", "note-DS.1.1": "来自目录系统导出"})
    response = client.post(entry_url(xihu), data)
    assert response.status_code == 302
    xihu.refresh_from_db()
    assert xihu.status == "draft" and xihu.version == 1
    assert value_of(xihu, "DS.1.1") == Decimal("85.5")
    entries = AuditEntry.objects.filter(submission=xihu).order_by("action")
    assert [(e.action, e.old, e.new, e.actor_id, e.version) for e in entries] == [
        ("note", "", "来自目录系统导出", staff_xihu.pk, 1),
        ("value", "", "85.5", staff_xihu.pk, 1),
    ]
    page = client.get(entry_url(xihu)).content.decode()
    assert "草稿已保存" in page or "Draft saved" in page
    assert 'value="85.5"' in page


def test_unchanged_fields_are_not_written_again(client, staff_xihu, xihu):
    fill(xihu, staff_xihu)
    client.force_login(staff_xihu)
    before = AuditEntry.objects.count()
    client.post(entry_url(xihu), form_data(xihu))
    assert AuditEntry.objects.count() == before
    assert Submission.objects.get(pk=xihu.pk).version == xihu.version


def test_invalid_fields_are_reported_and_everything_typed_is_kept(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    typed = {
        "value-DS.1.1": "85",  # valid
        "value-DS.1.2": "120",  # above 100
        "value-DS.2.2": "很多",  # not a number
        "note-DS.1.2": "写了很长的说明",
        "value-SV.1.1": "70",  # valid
    }
    response = client.post(entry_url(xihu), form_data(xihu, typed))
    assert response.status_code == 200
    page = response.content.decode()
    # The invalid inputs are shown again as typed, with a message next to each.
    assert 'value="120"' in page and 'value="很多"' in page and "写了很长的说明" in page
    assert 'data-testid="error-DS.1.2"' in page and 'data-testid="error-DS.2.2"' in page
    assert 'data-testid="form-alert"' in page
    # The valid ones were saved (and so was the note next to an invalid value).
    assert value_of(xihu, "DS.1.1") == 85 and value_of(xihu, "SV.1.1") == 70
    assert value_of(xihu, "DS.1.2") is None and value_of(xihu, "DS.2.2") is None
    assert Value.objects.get(submission=xihu, indicator__code="DS.1.2").note == "写了很长的说明"
    # The page carries the new version, so fixing and saving again is not a conflict.
    xihu.refresh_from_db()
    assert f'name="version" value="{xihu.version}"' in page
    fixed = form_data(xihu, {"value-DS.1.2": "95", "value-DS.2.2": "12"})
    assert client.post(entry_url(xihu), fixed).status_code == 302
    assert value_of(xihu, "DS.1.2") == 95 and value_of(xihu, "DS.2.2") == 12


def test_clearing_a_value_is_a_change_too(client, staff_xihu, xihu):
    fill(xihu, staff_xihu)
    client.force_login(staff_xihu)
    client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": ""}))
    assert value_of(xihu, "DS.1.1") is None
    assert AuditEntry.objects.filter(submission=xihu, new="", old="50").exists()


def test_a_form_without_its_version_saves_nothing(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    data = form_data(xihu, {"value-DS.1.1": "85"})
    del data["version"]
    response = client.post(entry_url(xihu), data, follow=True)
    assert value_of(xihu, "DS.1.1") is None
    assert "alert-danger" in response.content.decode()


def test_review_thresholds_are_flagged_next_to_values(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.3": "25"}))
    # SV.4.3 (满意率) is fed by the 好差评 platform: its value is flagged all the same.
    Value.objects.create(submission=xihu, indicator=xihu.round.system.indicators.get(
        code="SV.4.3"), value=Decimal("99.95"), fed_from="好差评系统")  # fmt: skip
    page = client.get(entry_url(xihu)).content.decode()
    ds13 = page.split('data-testid="flag-DS.1.3"')[1].split("</div>")[0]
    sv43 = page.split('data-testid="flag-SV.4.3"')[1].split("</div>")[0]
    assert "flag-below" in ds13 and "30" in ds13
    assert "flag-above" in sv43 and "99.9" in sv43
    assert "低于 30：需重点审核" in ds13 and "高于 99.9：需抽查核实" in sv43  # in Chinese
    # Browser-side checks get the same thresholds.
    assert 'data-review-below="30"' in page


# --- Submitting ------------------------------------------------------------------------------


def test_submit_is_refused_until_complete(client, staff_xihu, xihu):
    fill(xihu, staff_xihu, evidence=False)
    client.force_login(staff_xihu)
    response = client.post(entry_url(xihu), form_data(xihu, action="submit"), follow=True)
    xihu.refresh_from_db()
    assert xihu.status == "draft"
    page = response.content.decode()
    assert "alert-danger" in page
    assert 'data-testid="completeness"' in page and "DS.5.1" in page  # what is missing


def test_submit_when_complete_locks_the_form(client, staff_xihu, xihu):
    fill(xihu, staff_xihu)
    client.force_login(staff_xihu)
    response = client.post(entry_url(xihu), form_data(xihu, action="submit"))
    assert response.status_code == 302
    xihu.refresh_from_db()
    assert xihu.status == "submitted" and xihu.submitted_by == staff_xihu
    assert AuditEntry.objects.filter(
        submission=xihu, action="status", old="draft", new="submitted"
    ).exists()
    page = client.get(entry_url(xihu)).content.decode()
    assert 'data-testid="entry-form"' not in page and 'data-testid="lock-reason"' in page
    # A stale tab cannot change a submitted form.
    client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": "99"}))
    assert value_of(xihu, "DS.1.1") == 50


def test_typing_and_submitting_in_one_go(client, staff_xihu, xihu):
    fill(xihu, staff_xihu, skip=("DS.1.1",))
    client.force_login(staff_xihu)
    client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": "77"}, action="submit"))
    xihu.refresh_from_db()
    assert xihu.status == "submitted" and value_of(xihu, "DS.1.1") == 77


def test_a_submit_with_an_invalid_field_saves_the_rest_but_does_not_submit(
    client, staff_xihu, xihu
):
    fill(xihu, staff_xihu)
    client.force_login(staff_xihu)
    data = form_data(xihu, {"value-DS.1.1": "80", "value-DS.1.2": "x"}, action="submit")
    response = client.post(entry_url(xihu), data)
    assert response.status_code == 200
    xihu.refresh_from_db()
    assert xihu.status == "draft" and value_of(xihu, "DS.1.1") == 80


# --- Deadlines and extensions ---------------------------------------------------------------


def test_entry_locks_after_the_deadline(client, staff_xihu, xihu):
    xihu.round.closes_at = timezone.now() - timedelta(minutes=1)
    xihu.round.save()
    client.force_login(staff_xihu)
    page = client.get(entry_url(xihu)).content.decode()
    assert 'data-testid="entry-form"' not in page and 'data-testid="lock-reason"' in page
    response = client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": "85"}), follow=True)
    assert value_of(xihu, "DS.1.1") is None
    assert "alert-danger" in response.content.decode()


def test_an_extension_reopens_entry_for_that_region_only(
    client, staff_xihu, staff_binjiang, xihu, administrator
):
    xihu.round.closes_at = timezone.now() - timedelta(minutes=1)
    xihu.round.save()
    Extension.objects.create(
        submission=xihu,
        closes_at=timezone.now() + timedelta(days=3),
        reason="系统改造",
        granted_by=administrator,
    )
    client.force_login(staff_xihu)
    assert client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": "85"})).status_code == 302
    assert value_of(xihu, "DS.1.1") == 85
    binjiang = Submission.objects.get(round=xihu.round, region_id="330108")
    client.force_login(staff_binjiang)
    client.post(entry_url(binjiang), form_data(binjiang, {"value-DS.1.1": "85"}))
    assert value_of(binjiang, "DS.1.1") is None


def test_closing_the_round_locks_extensions_too(client, staff_xihu, xihu, administrator):
    Extension.objects.create(
        submission=xihu, closes_at=timezone.now() + timedelta(days=3), reason="r"
    )
    round_close(round=xihu.round, user=administrator)
    client.force_login(staff_xihu)
    client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": "85"}))
    assert value_of(xihu, "DS.1.1") is None


# --- History and query counts ---------------------------------------------------------------


def test_history_lists_every_change(client, staff_xihu, xihu, staff_binjiang):
    client.force_login(staff_xihu)
    client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": "60"}))
    client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": "65"}))
    url = reverse("assessment:entry_history", args=[xihu.round_id, "330106"])
    page = client.get(url).content.decode()
    assert page.count("DS.1.1") >= 2 and ">60<" in page and ">65<" in page
    client.force_login(staff_binjiang)
    assert client.get(url).status_code == 404


def test_the_form_shows_the_latest_changes_and_the_history_page_all(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    for value in range(51, 63):  # twelve changes
        client.post(entry_url(xihu), form_data(xihu, {"value-DS.1.1": str(value)}))
    form_page = client.get(entry_url(xihu))
    shown = [entry.new for entry in form_page.context["page"].history]
    assert shown == [str(value) for value in range(62, 52, -1)]  # the latest ten, newest first
    history = reverse("assessment:entry_history", args=[xihu.round_id, "330106"])
    assert history in form_page.content.decode()
    page = client.get(history).content.decode()
    assert all(f">{value}<" in page for value in range(51, 63))


def test_entry_page_runs_a_fixed_number_of_queries(
    client, staff_xihu, xihu, default_system, django_assert_max_num_queries
):
    xihu.round.previous = make_round(default_system, period="2025")
    xihu.round.save(update_fields=["previous"])
    fill(xihu, staff_xihu)
    client.force_login(staff_xihu)
    # session, user, grants, region, submission (+round, system, extension), indicators,
    # values, last round's values (the one query the previous round adds), evidence,
    # comments, history, then the session save
    with django_assert_max_num_queries(15):
        response = client.get(entry_url(xihu))
    assert response.status_code == 200
