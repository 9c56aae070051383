"""A verifier's own evidence (核验佐证): files and links per indicator, screenshots per sampled
item. Verifiers add and remove it on the verification page; whoever may see the submission
(the region's staff among them) downloads it, read-only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment.collection.access import get_submission_for_user
from assessment.core.attachments import EvidenceKind, attachment_response
from assessment.core.evidence import ACCEPT_ATTRIBUTE
from assessment.core.forms import ID_MAX
from assessment.regions.access import can_see_region
from assessment.verification.access import VERIFIABLE, require_verifier
from assessment.verification.evidence_services import (
    add_verifier_evidence,
    remove_verifier_evidence,
)
from assessment.verification.forms import VerifierEvidenceForm
from assessment.verification.models import VerifierEvidence
from indicators.models import Indicator

SAMPLE = "sample"  # the `next` field of a form on the sampling sheet


def upload_limits() -> dict[str, object]:
    """What the upload inputs of the verification page say they accept."""
    return {"accept": ACCEPT_ATTRIBUTE, "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}


@login_required
@require_POST
def add_evidence(request: HttpRequest, round_id: int, code: str, indicator: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, round_id, code)
    scope = require_verifier(request.user, submission)
    leaf = (
        submission.round.system.indicators.filter(code=indicator[:20]).exclude(value_type="")
    ).first()
    if leaf is None:
        raise Http404
    if not scope.covers(leaf.code):
        raise PermissionDenied  # another evaluator's block
    if submission.status not in VERIFIABLE:
        return _not_open(request, submission)
    form = VerifierEvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [error for errors in form.errors.values() for error in errors]
        messages.error(request, _("%(code)s: nothing was added. %(errors)s")
                       % {"code": leaf.code, "errors": " ".join(errors)})  # fmt: skip
        return _back(request, submission, leaf, anchor=False)
    added = add_verifier_evidence(
        submission=submission, indicator=leaf, user=request.user,
        files=form.cleaned_data["files"] or [],
        links=[form.cleaned_data["link"]] if form.cleaned_data["link"] else [],
    )  # fmt: skip
    messages.success(request, _("%(code)s: %(count)s item(s) of your evidence added.")
                     % {"code": leaf.code, "count": len(added)})  # fmt: skip
    return _back(request, submission, leaf)


@login_required
@require_GET
def download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _visible_evidence(request.user, evidence_id)
    if evidence.kind == EvidenceKind.LINK:
        return redirect(evidence.url)  # checked as http(s) when it was added
    return attachment_response(evidence)


@login_required
@require_POST
def remove_evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _visible_evidence(request.user, evidence_id)
    submission = evidence.submission
    require_verifier(request.user, submission, evidence.indicator.code)
    if submission.status not in VERIFIABLE:
        return _not_open(request, submission)
    remove_verifier_evidence(evidence=evidence, user=request.user)
    messages.success(request, _("%(code)s: “%(label)s” removed.")
                     % {"code": evidence.indicator.code, "label": evidence.label})  # fmt: skip
    return _back(request, submission, evidence.indicator)


def _visible_evidence(user, evidence_id: int) -> VerifierEvidence:
    """Evidence of a submission the user may see (the rule of the region's own evidence);
    otherwise 404, never 403: it must not leak."""
    evidence = (
        VerifierEvidence.objects.select_related(
            "submission__round__system", "submission__region", "indicator"
        )
        .filter(pk=evidence_id if evidence_id <= ID_MAX else 0)
        .first()
    )
    if evidence is None or not can_see_region(user, evidence.submission.region):
        raise Http404
    return evidence


def _back(request: HttpRequest, submission, leaf: Indicator, *, anchor: bool = True):
    """To the sampling sheet the form was on, or to the indicator's row of the verification
    page (its top for an error, where the message is)."""
    args = [submission.round_id, submission.region_id]
    if request.POST.get("next") == SAMPLE and leaf.sample_audit:
        return redirect("assessment:sample_sheet", *args, leaf.code)
    url = reverse("assessment:verify", args=args)
    return redirect(f"{url}#verify-row-{leaf.code}" if anchor else url)


def _not_open(request: HttpRequest, submission) -> HttpResponse:
    """409: only a submitted or approved submission is verified (the page says so)."""
    context = {"submission": submission, "round": submission.round, "open": False, "cells": []}
    return render(request, "verification/verify.html", context, status=409)
