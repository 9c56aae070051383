"""Staff withdraw (撤回) a submission nobody has reviewed yet; reviewers approve several
submissions from the queue at once (批量通过)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assessment.collection.access import get_submission_for_user, may_review, require_entry_role
from assessment.collection.forms.actions import BulkApproveForm, WithdrawForm
from assessment.collection.models import Submission
from assessment.collection.services.bulk_review import submissions_approve
from assessment.collection.services.submissions import submission_withdraw
from assessment.regions.access import has_any_role, is_administrator
from assessment.regions.models import Role

WITHDRAWN = _("Withdrawn: the form is a draft again. Submit it again when it is ready.")
BULK_APPROVED = _("Approved %(count)s submission(s); each approval is in its history.")
BULK_NOT_SUBMITTED = _(
    "%(count)s submission(s) were no longer waiting for review and were left alone."
)
BULK_NOT_ALLOWED = _("%(count)s submission(s) are not yours to review and were left alone.")


@login_required
@require_POST
def withdraw_submission(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, round_id, code)
    require_entry_role(request.user, submission)  # the region's own staff only
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        submission_withdraw(
            submission=submission, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, WITHDRAWN)
    return redirect("assessment:entry", submission.round_id, submission.region_id)


@login_required
@require_POST
def approve_many(request: HttpRequest) -> HttpResponse:
    """Each chosen submission is checked on its own: the reviewer's right on its region, and
    that it still waits for review."""
    user = request.user
    if not (is_administrator(user) or has_any_role(user, [Role.SUPERVISOR])):
        raise PermissionDenied
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["submission"]))
        return redirect("assessment:review_queue")
    chosen = form.cleaned_data["submission"]
    found = Submission.objects.filter(pk__in=[pk for pk in chosen if pk]).select_related(
        "round", "region"
    )
    mine = [submission for submission in found if may_review(user, submission)]
    outcome = submissions_approve(submissions=mine, user=user, not_allowed=len(chosen) - len(mine))
    if outcome.approved:
        messages.success(request, BULK_APPROVED % {"count": outcome.approved})
    if outcome.not_submitted:
        messages.warning(request, BULK_NOT_SUBMITTED % {"count": outcome.not_submitted})
    if outcome.not_allowed:
        messages.warning(request, BULK_NOT_ALLOWED % {"count": outcome.not_allowed})
    return redirect("assessment:review_queue")
