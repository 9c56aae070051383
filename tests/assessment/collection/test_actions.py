"""Staff withdraw (撤回) what nobody has reviewed yet; reviewers approve several submissions
from the queue at once (批量通过), each approval checked and audited on its own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from assessment.collection.models import (
    AuditAction,
    AuditEntry,
    AuditSource,
    Submission,
    SubmissionStatus,
)
from assessment.collection.services.bulk_review import MAX_BULK
from assessment.collection.services.submissions import submission_approve, submission_submit
from tests.assessment.conftest import fill


def url(name: str, submission) -> str:
    return reverse(f"assessment:{name}", args=[submission.round_id, submission.region_id])


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def submitted(xihu, staff_xihu):
    fill(xihu, staff_xihu)
    submission_submit(submission=xihu, user=staff_xihu)
    xihu.refresh_from_db()
    return xihu


# Withdraw


def test_staff_withdraw_before_review_and_reviewers_see_it(
    client, submitted, staff_xihu, supervisor_hangzhou
):
    client.force_login(staff_xihu)
    page = client.get(url("entry", submitted)).content.decode()
    assert 'data-testid="withdraw-form"' in page and "data-confirm=" in page
    before = submitted.version
    response = client.post(url("submission_withdraw", submitted), {"reason": "补充佐证材料"})
    assert response.status_code == 302 and response["Location"] == url("entry", submitted)
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.DRAFT and submitted.version == before + 1
    entry = AuditEntry.objects.filter(submission=submitted, action=AuditAction.STATUS).latest("pk")
    assert (entry.old, entry.new, entry.actor, entry.reason, entry.source, entry.version) == (
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.DRAFT,
        staff_xihu,
        "补充佐证材料",
        AuditSource.FORM,
        before + 1,
    )
    # The form is editable again, and the submission has left the review queue.
    page = client.get(url("entry", submitted)).content.decode()
    assert 'data-testid="entry-form"' in page and 'data-testid="withdraw-form"' not in page
    client.force_login(supervisor_hangzhou)
    queue = client.get(reverse("assessment:review_queue")).content.decode()
    assert url("entry", submitted) not in queue
    history = client.get(url("entry_history", submitted)).content.decode()
    assert "补充佐证材料" in history and "staff-330106" in history


def test_the_reason_is_optional(client, submitted, staff_xihu):
    client.force_login(staff_xihu)
    client.post(url("submission_withdraw", submitted))
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.DRAFT


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("supervisor_hangzhou", 403),  # sees the region, but only its staff withdraw
        ("evaluator_zhejiang", 403),
        ("administrator", 403),
        ("staff_binjiang", 404),  # another region: it does not exist for them
        ("supervisor_ningbo", 404),
    ],
)
def test_only_the_regions_staff_withdraw(client, submitted, user, status, request):
    client.force_login(request.getfixturevalue(user))
    assert client.post(url("submission_withdraw", submitted)).status_code == status
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED


def test_withdrawing_is_a_post_and_needs_a_login(client, submitted, staff_xihu):
    response = client.post(url("submission_withdraw", submitted))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(staff_xihu)
    assert client.get(url("submission_withdraw", submitted)).status_code == 405


@pytest.mark.parametrize("status", ["draft", "returned", "approved", "not_started"])
def test_only_a_submission_waiting_for_review_is_withdrawn(client, submitted, staff_xihu, status):
    Submission.objects.filter(pk=submitted.pk).update(status=status)
    entries = AuditEntry.objects.count()
    client.force_login(staff_xihu)
    response = client.post(url("submission_withdraw", submitted))
    assert response.status_code == 302
    assert any("撤回" in text or "withdrawn" in text.lower() for text in texts(response))
    submitted.refresh_from_db()
    assert submitted.status == status and AuditEntry.objects.count() == entries


def test_an_approved_submission_offers_no_withdrawal(
    client, submitted, staff_xihu, supervisor_hangzhou
):
    submission_approve(submission=submitted, user=supervisor_hangzhou)
    client.force_login(staff_xihu)
    page = client.get(url("entry", submitted)).content.decode()
    assert 'data-testid="withdraw-form"' not in page


def test_after_the_deadline_it_cannot_be_withdrawn_and_says_why(client, submitted, staff_xihu):
    round_ = submitted.round
    round_.closes_at = timezone.now() - timedelta(hours=1)
    round_.save()
    client.force_login(staff_xihu)
    page = client.get(url("entry", submitted)).content.decode()
    assert 'data-testid="withdraw-form"' not in page
    response = client.post(url("submission_withdraw", submitted))
    [message] = texts(response)
    assert "截止" in message or "deadline" in message.lower()
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED


def test_once_verification_started_it_cannot_be_withdrawn(
    client, submitted, staff_xihu, evaluator_zhejiang
):
    AuditEntry.objects.create(
        submission=submitted, at=timezone.now(), actor=evaluator_zhejiang,
        action=AuditAction.VERIFIED, source=AuditSource.VERIFICATION,
        version=submitted.version,
    )  # fmt: skip
    client.force_login(staff_xihu)
    client.post(url("submission_withdraw", submitted))
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED


# Bulk approval


@pytest.fixture
def waiting(open_round):
    """西湖区 and 滨江区 (Hangzhou) and 海曙区 (Ningbo) submitted; 上城区 still a draft."""
    Submission.objects.filter(
        round=open_round, region_id__in=["330106", "330108", "330203"]
    ).update(status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now())
    Submission.objects.filter(round=open_round, region_id="330102").update(
        status=SubmissionStatus.DRAFT
    )
    return {s.region_id: s for s in Submission.objects.filter(round=open_round)}


def approve_many(client, *submissions, extra=()):
    return client.post(
        reverse("assessment:review_approve_many"),
        {"submission": [str(s.pk) for s in submissions] + list(extra)},
    )


def test_a_supervisor_approves_the_chosen_rows_that_are_theirs(
    client, waiting, supervisor_hangzhou
):
    client.force_login(supervisor_hangzhou)
    chosen = [waiting[code] for code in ("330106", "330108", "330203", "330102")]
    response = approve_many(client, *chosen, extra=["²", "abc"])
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:review_queue")
    statuses = dict(
        Submission.objects.filter(pk__in=[s.pk for s in chosen]).values_list("region_id", "status")
    )
    assert statuses == {
        "330106": "approved",
        "330108": "approved",
        "330203": "submitted",  # Ningbo: not this supervisor's
        "330102": "draft",  # not waiting for review
    }
    # One audit entry per approval, by this reviewer.
    entries = AuditEntry.objects.filter(action=AuditAction.STATUS, new="approved")
    assert sorted(e.submission.region_id for e in entries) == ["330106", "330108"]
    assert {e.actor for e in entries} == {supervisor_hangzhou}
    # 2 approved; 1 no longer waiting; 3 not theirs (海曙区 and two ids that are no ids).
    assert [re.findall(r"\d+", text) for text in texts(response)] == [["2"], ["1"], ["3"]]


def test_rows_decided_meanwhile_are_counted_not_approved_again(
    client, waiting, supervisor_hangzhou
):
    client.force_login(supervisor_hangzhou)
    Submission.objects.filter(pk=waiting["330108"].pk).update(status=SubmissionStatus.RETURNED)
    approve_many(client, waiting["330106"], waiting["330108"])
    assert Submission.objects.get(pk=waiting["330108"].pk).status == "returned"
    assert AuditEntry.objects.filter(new="approved").count() == 1


def test_an_administrator_approves_anywhere(client, waiting, administrator):
    client.force_login(administrator)
    approve_many(client, waiting["330106"], waiting["330203"])
    assert AuditEntry.objects.filter(new="approved", actor=administrator).count() == 2


@pytest.mark.parametrize("user", ["staff_xihu", "evaluator_zhejiang", "nobody"])
def test_bulk_approval_is_for_reviewers(client, waiting, user, request):
    client.force_login(request.getfixturevalue(user))
    assert approve_many(client, waiting["330106"]).status_code == 403
    assert not AuditEntry.objects.filter(new="approved").exists()


def test_bulk_approval_is_a_post(client, waiting, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    assert client.get(reverse("assessment:review_approve_many")).status_code == 405


def test_nothing_chosen_or_too_many_approves_nothing(client, waiting, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    assert texts(approve_many(client)) != []
    too_many = [str(n) for n in range(10**6, 10**6 + MAX_BULK)]  # with 西湖区: one too many
    response = approve_many(client, waiting["330106"], extra=too_many)
    assert any(str(MAX_BULK) in text for text in texts(response))
    assert not AuditEntry.objects.filter(new="approved").exists()


def test_the_queue_offers_checkboxes_and_asks_with_the_count(client, waiting, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    page = client.get(reverse("assessment:review_queue")).content.decode()
    assert f'value="{waiting["330106"].pk}"' in page
    assert f'value="{waiting["330203"].pk}"' not in page  # Ningbo's is not in this queue
    assert "{checked:submission}" in page and 'data-testid="bulk-approve"' in page
    assert "js/review-queue.js" in page
