"""The entry form of one region in one round: staff edit, everyone else who may see it reads."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from assessment.collection.access import (
    get_evidence_for_user,
    get_submission_for_user,
    may_enter,
    may_review,
    require_entry_role,
)
from assessment.collection.forms.entry import STALE_FORM, EntryForm, bind_rows
from assessment.collection.models import Submission
from assessment.collection.rules import withdraw_lock
from assessment.collection.selectors.entry import (
    EntryPage,
    audit_history,
    entry_page,
    system_leaves,
)
from assessment.collection.services.entry import submission_save
from assessment.collection.services.submissions import submission_submit
from assessment.core.attachments import attachment_response
from assessment.core.evidence import ACCEPT_ATTRIBUTE
from assessment.regions.access import is_administrator

SAVED = _("Draft saved.")
NOTHING_CHANGED = _("Nothing to save: no field was changed.")
SUBMITTED = _("Submitted for review. The form is read-only until a reviewer returns it.")
SOME_INVALID = _(
    "%(count)s field(s) could not be saved: see the messages next to them. "
    "Everything else was saved; your input is still in the form."
)
CONFLICTS = _(
    "Someone else changed %(count)s field(s) you also changed since you opened the form. "
    "Both values are shown: choose which to keep and save again."
)
NOT_SUBMITTED_INVALID = _("Not submitted: fix the fields marked below first.")
# What the page's script says while the user types (the server says the same after saving).
JS_MESSAGES = {
    "number": _("Enter a number, e.g. 85.5."),
    "whole": _("Enter a whole number."),
    "min": _("Must be at least %s."),
    "max": _("Must be at most %s."),
    "below": _("Below %s: flagged for review."),
    "above": _("Above %s: flagged for audit."),
    "unsaved": _("You have unsaved changes."),
}


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, round_id, code)
    if request.method == "POST":
        return _save(request, submission)
    return render_entry(request, entry_page(submission=submission))


def _save(request: HttpRequest, submission: Submission) -> HttpResponse:
    require_entry_role(request.user, submission)
    form = EntryForm(
        request.POST,
        request.FILES,
        leaves=system_leaves(submission.round.system_id, submission.region.level),
    )
    form.is_valid()  # field errors stay on the form; the valid fields are saved below
    if form.stale:  # no version, or not a number a submission can have
        return _refused(request, submission, form, ValidationError(STALE_FORM, code="stale"))
    try:
        result = submission_save(
            submission=submission,
            user=request.user,
            base_version=form.cleaned_data["version"],
            data=form.entry_input(),
        )
    except ValidationError as error:  # locked (deadline, submitted …), busy, unknown version
        return _refused(request, submission, form, error)
    if not form.errors and not result.conflicts:
        return _after_clean_save(request, submission, saved=result.saved)
    page = entry_page(submission=submission)
    bind_rows(page.rows, form, result.conflicts)
    alerts = []
    if form.errors:
        alerts.append(SOME_INVALID % {"count": len(form.errors)})
    if result.conflicts:
        alerts.append(CONFLICTS % {"count": len(result.conflicts)})
    if request.POST.get("action") == "submit":
        alerts.append(NOT_SUBMITTED_INVALID)
    return render_entry(request, page, alerts=alerts)


def _refused(request, submission: Submission, form: EntryForm, error: ValidationError):
    """The form again with everything the person typed, and why nothing was saved (409).

    The hidden version stays the one the form was opened at, so saving again still detects
    what others changed meanwhile (an unknown version is replaced by the stored one)."""
    page = entry_page(submission=submission)
    bind_rows(page.rows, form, [])
    posted = form.cleaned_data.get("version")
    version = posted if error.code not in ("unknown_version", "stale") else None
    unsaved = [
        (row.code, row.input_value, row.input_note)
        for row in page.rows
        if f"value-{row.code}" in form.data or f"note-{row.code}" in form.data
    ]
    return render_entry(
        request, page, alerts=[" ".join(error.messages)], form_version=version,
        unsaved=unsaved, status=409,
    )  # fmt: skip


def _after_clean_save(request: HttpRequest, submission: Submission, *, saved: int):
    if request.POST.get("action") == "submit":
        try:
            submission_submit(submission=submission, user=request.user)
            messages.success(request, SUBMITTED)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, SAVED if saved else NOTHING_CHANGED)
    return redirect("assessment:entry", submission.round_id, submission.region_id)


def render_entry(
    request: HttpRequest,
    page: EntryPage,
    *,
    alerts=(),
    review_form=None,
    form_version: int | None = None,
    unsaved=(),
    status: int = 200,
) -> HttpResponse:
    """The entry page; the review views render it too when a decision is refused.

    `unsaved` lists (code, value, note) typed into a save that was refused: shown as text when
    the form is read-only now, so nothing typed is lost."""
    user = request.user
    submission = page.submission
    context = {
        "page": page,
        "submission": submission,
        "form_version": submission.version if form_version is None else form_version,
        "unsaved": unsaved,
        "round": submission.round,
        "can_enter": may_enter(user, submission) and page.editable,
        "is_staff_of_region": may_enter(user, submission),
        "can_review": may_review(user, submission) and submission.status == "submitted",
        "can_reopen": is_administrator(user) and submission.status == "approved",
        "can_withdraw": may_enter(user, submission) and withdrawable(submission),
        "alerts": alerts,
        "review_form": review_form,
        "accept": ACCEPT_ATTRIBUTE,
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "js_messages": {key: str(message) for key, message in JS_MESSAGES.items()},
    }
    return render(request, "collection/entry.html", context, status=status)


def withdrawable(submission: Submission) -> bool:
    """Staff may take it back (撤回) now: submitted, and their entry window still open."""
    return withdraw_lock(submission, timezone.now()) is None


@login_required
@require_GET
def entry_history(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, round_id, code)
    context = {
        "submission": submission,
        "round": submission.round,
        "history": audit_history(submission=submission),
    }
    return render(request, "collection/entry_history.html", context)


@login_required
@require_GET
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    return attachment_response(get_evidence_for_user(request.user, evidence_id))
