"""The sampling sheet of a sample-audit indicator (抽样核验): the items a verifier checked, each
counting toward the rate or not, each with an optional screenshot; the rate they give becomes
the verified value."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessment.collection.access import get_submission_for_user
from assessment.collection.models import Value
from assessment.verification.access import VERIFIABLE, require_verifier
from assessment.verification.evidence_services import Screenshot, save_screenshots
from assessment.verification.forms import (
    COUNTS,
    MAX_SAMPLES,
    SampleFormSet,
    SampleSheetForm,
    saved_position,
)
from assessment.verification.models import Verification, VerifierEvidence
from assessment.verification.services import save_sample

DEFAULT_ROWS = 50  # the assessments' usual sample
SAVED = gettext_lazy(
    "Sampling sheet saved: the verified value is the rate of the items that count."
)
CONFLICT = gettext_lazy(
    "Someone else verified this indicator meanwhile: nothing was saved. Your items are below."
)
CHOOSE_AGAIN = gettext_lazy(
    "Screenshots are not kept when the sheet is not saved: choose them again."
)


@login_required
@require_http_methods(["GET", "POST"])
def sample_sheet(request: HttpRequest, round_id: int, code: str, indicator: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, round_id, code)
    scope = require_verifier(request.user, submission)
    leaf = submission.round.system.indicators.filter(code=indicator[:20]).first()
    if leaf is None or not leaf.sample_audit:
        raise Http404
    if not scope.covers(leaf.code):
        raise PermissionDenied  # another evaluator's block
    verification = Verification.objects.filter(submission=submission, indicator=leaf).first()
    own = Value.objects.filter(submission=submission, indicator=leaf).first()
    context = {
        "submission": submission, "round": submission.round, "leaf": leaf,
        "verification": verification, "own": own, "max_rows": MAX_SAMPLES,
        "open": submission.status in VERIFIABLE,
    }  # fmt: skip
    if request.method == "POST" and context["open"]:
        formset = SampleFormSet(request.POST, request.FILES, prefix="item")
        sheet = SampleSheetForm(request.POST)
        if _saved(request, submission, leaf, formset, sheet):
            return redirect("assessment:verify", submission.round_id, submission.region_id)
        if request.FILES:
            messages.info(request, CHOOSE_AGAIN)
        _show_screenshots(formset, submission, leaf)
        return render(request, "verification/sample.html",
                      {**context, "formset": formset, "sheet": sheet})  # fmt: skip
    if request.method == "POST":
        return render(request, "verification/sample.html", {**context, "formset": None},
                      status=409)  # fmt: skip
    items = list(verification.samples.all()) if verification else []
    rows = _rows(request.GET.get("rows", ""), len(items))
    initial = [{"label": i.label, "counts": COUNTS if i.counts else "no", "note": i.note,
                "position": i.position} for i in items] + [{}] * (rows - len(items))  # fmt: skip
    formset = SampleFormSet(prefix="item", initial=initial)
    _show_screenshots(formset, submission, leaf)
    sheet = SampleSheetForm(initial={"version": verification.version if verification else 0})
    return render(request, "verification/sample.html",
                  {**context, "formset": formset, "sheet": sheet})  # fmt: skip


def _saved(request, submission, leaf, formset, sheet) -> bool:
    """Save a valid sheet; otherwise say why (the page comes back with what was typed)."""
    if not (formset.is_valid() and sheet.is_valid()):
        messages.error(request, _("Nothing was saved: correct the marked rows."))
        return False
    filled = [form.cleaned_data for form in formset.forms if form.filled]
    items = [(data["label"], data["counts"] == COUNTS, data["note"]) for data in filled]
    if not items:
        messages.error(request, _("Enter at least one item checked."))
        return False
    shots = [Screenshot(position, data["screenshot"], data["position"])
             for position, data in enumerate(filled, 1)]  # fmt: skip
    with transaction.atomic():
        outcome = save_sample(
            submission=submission, user=request.user, indicator=leaf, items=items,
            note=sheet.cleaned_data["note"], version=sheet.cleaned_data["version"],
        )  # fmt: skip
        if not outcome.conflicts:
            save_screenshots(submission=submission, indicator=leaf, user=request.user, rows=shots)
    if outcome.conflicts:
        messages.warning(request, CONFLICT)
        return False
    messages.success(request, SAVED)
    return True


def _show_screenshots(formset, submission, leaf) -> None:
    """Each row's saved screenshot as `form.saved_screenshot`: the one of the position the
    row's item was saved at (one query)."""
    saved = {
        item.sample_position: item
        for item in VerifierEvidence.objects.filter(
            submission=submission, indicator=leaf, sample_position__isnull=False
        )
    }
    for form in formset.forms:
        form.saved_screenshot = saved.get(saved_position(form["position"].value()))


def _rows(asked: str, existing: int) -> int:
    """How many rows the sheet shows: what was asked for (bounded), never fewer than it holds."""
    wanted = int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 4 else 0
    return min(MAX_SAMPLES, max(existing, wanted or max(DEFAULT_ROWS, existing)))
