"""The practice library (典型案例库): search and read, share, approve, invite."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.collection.access import get_round_for_user
from assessment.collection.models import RoundStatus
from assessment.core.attachments import attachment_response
from assessment.core.evidence import ACCEPT_ATTRIBUTE
from assessment.core.forms import query_id
from assessment.rectification.access import (
    get_practice_evidence_for_user,
    get_practice_for_user,
    may_edit_practice,
    require_practice_author,
    require_practice_reviewer,
)
from assessment.rectification.forms.practices import (
    InviteForm,
    NewPracticeForm,
    PracticeForm,
    PracticeReviewForm,
)
from assessment.rectification.models import PracticeStatus
from assessment.rectification.selectors.practices import (
    LibraryFilter,
    library_choices,
    library_page,
    practice_evidence,
)
from assessment.rectification.services import practices as service
from assessment.regions.access import (
    get_region_for_user,
    has_any_role,
    is_administrator,
    may_supervise_region,
    require_region_supervisor,
    require_role,
)
from assessment.regions.models import Role

SHARED = _("Thank you: your practice waits for a supervisor's approval.")
UPDATED = _("Saved: the practice waits for approval again.")
APPROVED = _("Approved: every region can read this practice now.")
RETURNED = _("Returned to the region with your note.")
INVITED = _("%(region)s is invited to share its practice on %(code)s.")
NOT_EDITABLE = _("An approved practice cannot be changed.")


def _library_filter(request: HttpRequest) -> LibraryFilter:
    params = request.GET
    status = params.get("status", "")
    return LibraryFilter(
        q=params.get("q", "").strip()[:100],
        area=params.get("area", "").strip()[:10],
        indicator=params.get("indicator", "").strip()[:20],
        region=params.get("region", "").strip()[:30],
        status=status if status in PracticeStatus.values else "",
    )


@login_required
@require_GET
def practice_library(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = _library_filter(request)
    context = {
        "page": library_page(user=user, filters=filters, page=request.GET.get("page", 1)),
        "filters": filters,
        "choices": library_choices(),
        "statuses": PracticeStatus.choices,
        "sees_pending": is_administrator(user) or has_any_role(user, [Role.SUPERVISOR, Role.STAFF]),
    }
    return render(request, "rectification/practice_list.html", context)


@login_required
@require_GET
def practice_detail(request: HttpRequest, practice_id: int) -> HttpResponse:
    user = request.user
    practice = get_practice_for_user(user, practice_id)
    context = {
        "practice": practice,
        "evidence": practice_evidence(practice),
        "may_edit": may_edit_practice(user, practice) and not practice.approved,
        "may_review": may_supervise_region(user, practice.region)
        and practice.status == PracticeStatus.PENDING,
    }
    return render(request, "rectification/practice_detail.html", context)


def _form_context(form, **extra) -> dict:
    return {
        "form": form,
        "accept": ACCEPT_ATTRIBUTE,
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def practice_new(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The region's staff share a practice on an indicator they are among the best at."""
    user = request.user
    round_ = get_round_for_user(user, round_id)
    region = get_region_for_user(user, code)
    require_role(user, region, [Role.STAFF], allow_admin=False)
    if round_.status != RoundStatus.PUBLISHED:
        raise Http404  # results are not out: nothing to share from yet
    eligible = service.eligible_leaves(round_=round_, region=region)
    choices = [(e.indicator_id, f"{e.code} {e.name}") for e in eligible]
    chosen = request.GET.get("indicator", "")
    form = NewPracticeForm(
        request.POST or None,
        request.FILES or None,
        choices=choices,
        initial={"indicator": query_id(chosen)},
    )
    if request.method == "POST" and form.is_valid():
        indicator = round_.system.indicators.get(pk=form.cleaned_data["indicator"])
        try:
            practice = service.practice_create(
                round_=round_, region=region, indicator=indicator, user=user,
                data=form.practice_input(),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, SHARED)
            return redirect("assessment:practice_detail", practice.pk)
    context = _form_context(form, round=round_, region=region, eligible=eligible, practice=None)
    return render(request, "rectification/practice_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, practice_id: int) -> HttpResponse:
    user = request.user
    practice = get_practice_for_user(user, practice_id)
    require_practice_author(user, practice)
    if practice.approved:
        messages.error(request, NOT_EDITABLE)
        return redirect("assessment:practice_detail", practice.pk)
    initial = {
        "title": practice.title,
        "description": practice.description,
        "results": practice.results,
        "contacts": practice.contacts,
    }
    form = PracticeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        service.practice_update(practice=practice, user=user, data=form.practice_input())
        messages.success(request, UPDATED)
        return redirect("assessment:practice_detail", practice.pk)
    context = _form_context(
        form, round=practice.round, region=practice.region, practice=practice, eligible=None
    )
    return render(request, "rectification/practice_form.html", context)


def _review(request: HttpRequest, practice_id: int, decide, done) -> HttpResponse:
    practice = get_practice_for_user(request.user, practice_id)
    require_practice_reviewer(request.user, practice)
    form = PracticeReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        decide(practice, request.user, note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("assessment:practice_detail", practice.pk)


@login_required
@require_POST
def practice_approve(request: HttpRequest, practice_id: int) -> HttpResponse:
    return _review(
        request,
        practice_id,
        lambda p, user, note: service.practice_approve(practice=p, user=user, note=note),
        APPROVED,
    )


@login_required
@require_POST
def practice_return(request: HttpRequest, practice_id: int) -> HttpResponse:
    return _review(
        request,
        practice_id,
        lambda p, user, note: service.practice_return(practice=p, user=user, reason=note),
        RETURNED,
    )


@login_required
@require_POST
def practice_invite(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """A supervisor invites the region to share a practice, whatever its rank."""
    user = request.user
    round_ = get_round_for_user(user, round_id)
    region = get_region_for_user(user, code)
    require_region_supervisor(user, region)
    leaves = list(round_.system.indicators.exclude(value_type="").order_by("order"))
    form = InviteForm(request.POST, choices=[(leaf.pk, leaf.code) for leaf in leaves])
    if form.is_valid():
        indicator = next(leaf for leaf in leaves if leaf.pk == form.cleaned_data["indicator"])
        service.practice_invite(
            round_=round_, region=region, indicator=indicator, user=user,
            note=form.cleaned_data["note"],
        )  # fmt: skip
        messages.success(request, INVITED % {"region": region.name, "code": indicator.code})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("assessment:profile", round_.pk, region.code)


@login_required
@require_GET
def practice_evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    return attachment_response(get_practice_evidence_for_user(request.user, evidence_id))
