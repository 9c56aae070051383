"""Review: the queue, comments per indicator, return / approve / reopen and who may do them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.collection.models import AuditEntry, ReviewComment, Submission
from assessment.collection.services.submissions import submission_submit
from tests.assessment.builders import make_open_round
from tests.assessment.conftest import fill, form_data


def url(name: str, submission) -> str:
    return reverse(f"assessment:{name}", args=[submission.round_id, submission.region_id])


@pytest.fixture
def submitted(xihu, staff_xihu):
    fill(xihu, staff_xihu)
    submission_submit(submission=xihu, user=staff_xihu)
    xihu.refresh_from_db()
    return xihu


def test_the_queue_lists_submitted_work_in_the_supervisors_subtree(
    client, submitted, supervisor_hangzhou, supervisor_ningbo
):
    client.force_login(supervisor_hangzhou)
    page = client.get(reverse("assessment:review_queue")).content.decode()
    assert "西湖区" in page and url("entry", submitted) in page
    client.force_login(supervisor_ningbo)
    page = client.get(reverse("assessment:review_queue")).content.decode()
    assert "西湖区" not in page


@pytest.mark.parametrize("wrong_role", ["staff_xihu", "evaluator_zhejiang", "nobody"])
def test_the_queue_is_for_supervisors(client, open_round, wrong_role, request):
    client.force_login(request.getfixturevalue(wrong_role))
    assert client.get(reverse("assessment:review_queue")).status_code == 403


def test_reviewers_see_comment_boxes_and_decisions(client, submitted, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    page = client.get(url("entry", submitted)).content.decode()
    assert 'data-testid="review-form"' in page and 'name="comment-DS.1.1"' in page


def test_return_with_a_comment_reaches_the_staff(
    client, submitted, supervisor_hangzhou, staff_xihu
):
    client.force_login(supervisor_hangzhou)
    response = client.post(
        url("submission_return", submitted),
        {"reason": "请补充佐证", "comment-DS.1.3": "归集率偏低，请核实口径"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "returned" and submitted.reviewed_by == supervisor_hangzhou
    entry = AuditEntry.objects.get(submission=submitted, action="status", new="returned")
    assert (entry.old, entry.reason, entry.actor) == (
        "submitted",
        "请补充佐证",
        supervisor_hangzhou,
    )
    comment = ReviewComment.objects.get(submission=submitted)
    assert comment.indicator.code == "DS.1.3"
    # Staff see the reason at the top and the comment beside the indicator, and may edit.
    client.force_login(staff_xihu)
    page = client.get(url("entry", submitted)).content.decode()
    assert 'data-testid="return-reason"' in page and "请补充佐证" in page
    beside = page.split('data-testid="indicator-DS.1.3"')[1].split('data-testid="indicator-')[0]
    assert "归集率偏低，请核实口径" in beside
    assert 'data-testid="entry-form"' in page


def test_staff_fix_and_resubmit_after_a_return(client, submitted, supervisor_hangzhou, staff_xihu):
    client.force_login(supervisor_hangzhou)
    client.post(url("submission_return", submitted), {"comment-DS.1.3": "偏低"})
    client.force_login(staff_xihu)
    data = form_data(submitted, {"value-DS.1.3": "64"}, action="submit")
    assert client.post(url("entry", submitted), data).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_return_needs_a_reason_or_a_comment_and_keeps_what_was_typed(
    client, submitted, supervisor_hangzhou
):
    client.force_login(supervisor_hangzhou)
    response = client.post(url("submission_return", submitted), {"reason": "  "})
    assert response.status_code == 200
    assert 'data-testid="form-alert"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_approve_locks_the_submission(client, submitted, supervisor_hangzhou, staff_xihu):
    client.force_login(supervisor_hangzhou)
    response = client.post(url("submission_approve", submitted), {"comment-SV.4.3": "已核实"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert AuditEntry.objects.filter(submission=submitted, new="approved").exists()
    client.force_login(staff_xihu)
    page = client.get(url("entry", submitted)).content.decode()
    assert 'data-testid="entry-form"' not in page
    client.post(url("entry", submitted), form_data(submitted, {"value-DS.1.1": "1"}))
    assert submitted.values.get(indicator__code="DS.1.1").value == 50


def test_only_submitted_work_can_be_decided(client, xihu, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    response = client.post(url("submission_approve", xihu), {})
    assert response.status_code == 200
    assert Submission.objects.get(pk=xihu.pk).status == "not_started"


@pytest.mark.parametrize("action", ["submission_return", "submission_approve"])
def test_who_may_return_and_approve(
    client, submitted, action, staff_xihu, evaluator_zhejiang, supervisor_ningbo, staff_binjiang
):
    body = {"reason": "r", "comment-DS.1.1": "c"}
    for user, status in [
        (staff_xihu, 403),  # sees it, but may not review
        (evaluator_zhejiang, 403),
        (supervisor_ningbo, 404),  # another city: it does not exist for them
        (staff_binjiang, 404),
    ]:
        client.force_login(user)
        assert client.post(url(action, submitted), body).status_code == status
    assert Submission.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.parametrize("action", ["submission_return", "submission_approve", "submission_reopen"])
def test_decisions_need_post(client, submitted, supervisor_hangzhou, administrator, action):
    client.force_login(administrator)
    assert client.get(url(action, submitted)).status_code == 405


@pytest.mark.parametrize("action", ["submission_return", "submission_approve", "submission_reopen"])
def test_decisions_need_a_login(client, submitted, action):
    response = client.post(url(action, submitted), {"reason": "r"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_administrators_reopen_approved_work_with_a_reason(
    client, submitted, supervisor_hangzhou, administrator
):
    client.force_login(supervisor_hangzhou)
    client.post(url("submission_approve", submitted), {})
    client.force_login(administrator)
    client.post(url("submission_reopen", submitted), {"reason": ""})
    assert Submission.objects.get(pk=submitted.pk).status == "approved"  # no reason, no reopen
    response = client.post(url("submission_reopen", submitted), {"reason": "数据口径更正"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    entry = AuditEntry.objects.get(submission=submitted, old="approved", new="returned")
    assert entry.reason == "数据口径更正" and entry.actor == administrator


def test_who_may_reopen(client, submitted, supervisor_hangzhou, staff_xihu, staff_binjiang):
    client.force_login(supervisor_hangzhou)
    client.post(url("submission_approve", submitted), {})
    for user, status in [(supervisor_hangzhou, 403), (staff_xihu, 403), (staff_binjiang, 404)]:
        client.force_login(user)
        assert client.post(url("submission_reopen", submitted), {"reason": "r"}).status_code == (
            status
        )
    assert Submission.objects.get(pk=submitted.pk).status == "approved"


def test_every_transition_is_in_the_history(client, submitted, supervisor_hangzhou, administrator):
    client.force_login(supervisor_hangzhou)
    client.post(url("submission_return", submitted), {"reason": "补充"})
    statuses = list(
        AuditEntry.objects.filter(submission=submitted, action="status")
        .order_by("version")
        .values_list("old", "new", "actor__username")
    )
    assert statuses == [
        ("draft", "submitted", "staff-330106"),
        ("submitted", "returned", "supervisor-330100"),
    ]
    page = client.get(reverse("assessment:entry_history", args=[submitted.round_id, "330106"]))
    assert "补充" in page.content.decode()


@pytest.mark.parametrize("size", [2, 50])
def test_the_queue_runs_the_same_queries_for_2_or_50_regions(
    client, default_system, regions, supervisor_zhejiang, size, django_assert_num_queries
):
    round_ = make_open_round(default_system)
    codes = list(
        Submission.objects.filter(round=round_)
        .order_by("region_id")[:size]
        .values_list("pk", flat=True)
    )
    Submission.objects.filter(pk__in=codes).update(status="submitted")
    client.force_login(supervisor_zhejiang)
    # session, user, grants, submissions with rounds, regions and submitters, the navigation's
    # unread notifications, session save (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(reverse("assessment:review_queue"))
    assert response.content.decode().count("btn btn-sm btn-primary") == size
