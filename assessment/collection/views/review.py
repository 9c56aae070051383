"""Review: the queue of submitted submissions, and return / approve / reopen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from assessment.collection.access import get_submission_for_user, require_reviewer
from assessment.collection.forms.review import ReopenForm, ReviewForm
from assessment.collection.models import Submission
from assessment.collection.selectors.entry import entry_page, system_leaves
from assessment.collection.selectors.review import review_queue
from assessment.collection.services.bulk_review import MAX_BULK
from assessment.collection.services.submissions import (
    REOPEN_NEEDS_REASON,
    submission_approve,
    submission_reopen,
    submission_return,
)
from assessment.collection.views.entry import render_entry
from assessment.core.forms import require_valid
from assessment.regions.access import has_any_role, is_administrator, require_administrator
from assessment.regions.models import Role

RETURNED = _("Returned to %(region)s with your comments.")
APPROVED = _("Approved: %(region)s is locked and can be scored.")
REOPENED = _("Reopened: %(region)s can edit again (status: returned).")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (is_administrator(user) or has_any_role(user, [Role.SUPERVISOR])):
        raise PermissionDenied
    context = {"rows": review_queue(user=user), "max_bulk": MAX_BULK}
    return render(request, "collection/review_queue.html", context)


def _decide(request: HttpRequest, round_id: int, code: str, service, done) -> HttpResponse:
    submission = get_submission_for_user(request.user, round_id, code)
    require_reviewer(request.user, submission)
    form = ReviewForm(
        request.POST, leaves=system_leaves(submission.round.system_id, submission.region.level)
    )
    try:
        require_valid(form)
        service(
            submission=submission,
            user=request.user,
            reason=form.cleaned_data["reason"],
            comments=form.comments(),
        )
    except ValidationError as error:
        return _refused(request, submission, form, error)
    messages.success(request, done % {"region": submission.region.name})
    return redirect("assessment:review_queue")


def _refused(request, submission: Submission, form: ReviewForm, error) -> HttpResponse:
    """Show the page again with the reviewer's comments kept and the reason it was refused."""
    page = entry_page(submission=submission)
    drafts = form.drafts()
    for row in page.rows:
        row.comment_draft = drafts.get(row.code, "")
    return render_entry(
        request,
        page,
        alerts=[" ".join(error.messages)],
        review_form=form,
    )


@login_required
@require_POST
def return_submission(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    return _decide(request, round_id, code, submission_return, RETURNED)


@login_required
@require_POST
def approve_submission(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    return _decide(request, round_id, code, submission_approve, APPROVED)


@login_required
@require_POST
def reopen_submission(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, round_id, code)
    require_administrator(request.user)
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(REOPEN_NEEDS_REASON)
        submission_reopen(
            submission=submission, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, REOPENED % {"region": submission.region.name})
    return redirect("assessment:entry", submission.round_id, submission.region_id)
