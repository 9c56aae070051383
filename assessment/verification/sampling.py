"""The sampling sheet of a sample-audit indicator (抽样核验): the items a verifier checked, each
counting toward the rate or not; the rate they give becomes the verified value."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessment.collection.access import get_submission_for_user
from assessment.collection.models import Value
from assessment.verification.access import VERIFIABLE, require_verifier
from assessment.verification.forms import (
    COUNTS,
    MAX_SAMPLES,
    SampleFormSet,
    SampleSheetForm,
)
from assessment.verification.models import Verification
from assessment.verification.services import save_sample

DEFAULT_ROWS = 50  # the assessments' usual sample
SAVED = gettext_lazy(
    "Sampling sheet saved: the verified value is the rate of the items that count."
)
CONFLICT = gettext_lazy(
    "Someone else verified this indicator meanwhile: nothing was saved. Your items are below."
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
        formset = SampleFormSet(request.POST, prefix="item")
        sheet = SampleSheetForm(request.POST)
        if _saved(request, submission, leaf, formset, sheet):
            return redirect("assessment:verify", submission.round_id, submission.region_id)
        return render(request, "verification/sample.html",
                      {**context, "formset": formset, "sheet": sheet})  # fmt: skip
    if request.method == "POST":
        return render(request, "verification/sample.html", {**context, "formset": None},
                      status=409)  # fmt: skip
    items = list(verification.samples.all()) if verification else []
    rows = _rows(request.GET.get("rows", ""), len(items))
    initial = [{"label": i.label, "counts": COUNTS if i.counts else "no", "note": i.note}
               for i in items] + [{}] * (rows - len(items))  # fmt: skip
    formset = SampleFormSet(prefix="item", initial=initial)
    sheet = SampleSheetForm(initial={"version": verification.version if verification else 0})
    return render(request, "verification/sample.html",
                  {**context, "formset": formset, "sheet": sheet})  # fmt: skip


def _saved(request, submission, leaf, formset, sheet) -> bool:
    """Save a valid sheet; otherwise say why (the page comes back with what was typed)."""
    if not (formset.is_valid() and sheet.is_valid()):
        messages.error(request, _("Nothing was saved: correct the marked rows."))
        return False
    items = [
        (form.cleaned_data["label"], form.cleaned_data["counts"] == COUNTS,
         form.cleaned_data["note"])
        for form in formset.forms if form.filled
    ]  # fmt: skip
    if not items:
        messages.error(request, _("Enter at least one item checked."))
        return False
    outcome = save_sample(
        submission=submission, user=request.user, indicator=leaf, items=items,
        note=sheet.cleaned_data["note"], version=sheet.cleaned_data["version"],
    )  # fmt: skip
    if outcome.conflicts:
        messages.warning(request, CONFLICT)
        return False
    messages.success(request, SAVED)
    return True


def _rows(asked: str, existing: int) -> int:
    """How many rows the sheet shows: what was asked for (bounded), never fewer than it holds."""
    wanted = int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 4 else 0
    return min(MAX_SAMPLES, max(existing, wanted or max(DEFAULT_ROWS, existing)))
