"""The verification page of one submission, and the verification queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessment.collection.access import (
    get_round_for_user,
    get_submission_for_user,
)
from assessment.collection.services.values import parse_value
from assessment.verification.access import VERIFIABLE, require_queue_user, require_verifier
from assessment.verification.evidence import upload_limits
from assessment.verification.models import Reason
from assessment.verification.selectors import (
    Cell,
    verification_cells,
    verification_queue,
)
from assessment.verification.services import CONFIRM, CORRECT, Decision, save_decisions

FIELDS = ("action", "value", "reason", "note", "version")
NOTE_MAX = 2000


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, round_id, code)
    scope = require_verifier(request.user, submission)
    # An evaluator with blocks sees the cells of their blocks only.
    cells = [c for c in verification_cells(submission) if scope.covers(c.indicator.code)]
    context = {"submission": submission, "round": submission.round, "reasons": Reason.choices,
               "in_blocks": not scope.whole}  # fmt: skip
    context["open"] = submission.status in VERIFIABLE
    context.update(upload_limits())  # the inputs of the verifier's own evidence
    if request.method == "GET" or not context["open"]:
        status = 200 if request.method == "GET" else 409  # nothing to verify yet
        return render(
            request, "verification/verify.html", {**context, "cells": cells}, status=status
        )
    decisions = read_decisions(request.POST, cells)
    if any(cell.error for cell in cells):
        messages.error(request, _("Nothing was saved: correct the marked rows."))
        return render(request, "verification/verify.html", {**context, "cells": cells})
    outcome = save_decisions(submission=submission, user=request.user, decisions=decisions)
    if outcome.conflicts:
        messages.warning(
            request,
            _("Someone else verified %(codes)s meanwhile: their decision is shown; yours for "
              "those rows was not saved.") % {"codes": ", ".join(outcome.conflicts)},
        )  # fmt: skip
    messages.success(request, _("%(count)s verification(s) saved.") % {"count": outcome.saved})
    return redirect("assessment:verify", submission.round_id, submission.region_id)


def read_decisions(post, cells: list[Cell]) -> list[Decision]:
    """The decisions posted for each row; a row's error is set on its cell (with what was
    posted, so the page shows it again)."""
    decisions = []
    for cell in cells:
        code = cell.indicator.code
        cell.posted = {name: post.get(f"{name}-{code}", "").strip() for name in FIELDS}
        action = cell.posted["action"]
        if not action:
            continue
        try:
            version = int(cell.posted["version"] or 0)
        except ValueError:
            version = -1  # not a version this page wrote: a conflict, never a save
        if action not in (CONFIRM, CORRECT):
            cell.error = _("Choose confirm or correct.")
            continue
        value = None
        if action == CORRECT:
            try:
                value = parse_value(cell.indicator, cell.posted["value"])
            except ValidationError as error:
                cell.error = " ".join(error.messages)
                continue
            if value is None:
                cell.error = _("Enter the verified value.")
                continue
            if cell.posted["reason"] not in Reason.values:
                cell.error = _("Choose why the value is corrected.")
                continue
        if len(cell.posted["note"]) > NOTE_MAX:
            cell.error = _("The note is too long (at most %(max)s characters).") % {"max": NOTE_MAX}
            continue
        decisions.append(
            Decision(
                indicator=cell.indicator,
                action=action,
                value=value,
                reason=cell.posted["reason"] if action == CORRECT else "",
                note=cell.posted["note"],
                version=version,
            )
        )
    return decisions


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require_queue_user(request.user)
    round_ = None
    if request.GET.get("round", "").isascii() and request.GET.get("round", "").isdigit():
        round_ = get_round_for_user(request.user, int(request.GET["round"][:12]))
    rows = verification_queue(user=request.user, round_id=round_.pk if round_ else None)
    return render(request, "verification/queue.html", {"rows": rows, "round": round_})
