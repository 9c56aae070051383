"""The panel pages: an administrator's set-up of a round's panel, an expert's queue and scoring
page, and the adjudication queue and page of evaluators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.collection.access import get_round_for_user
from assessment.collection.models import Evidence, RoundStatus
from assessment.core.attachments import attachment_response
from assessment.jobs.services import start_job, work_key
from assessment.panels.access import (
    get_own_score,
    may_adjudicate,
    require_adjudication_user,
    require_adjudicator,
    require_administrator,
)
from assessment.panels.checklists import score_by_checklist, step_records
from assessment.panels.forms import (
    AdjudicateForm,
    ChecklistForm,
    ExpertForm,
    HandAssignForm,
    PanelForm,
    ScoreForm,
    checklist_initial,
)
from assessment.panels.job_kinds import ASSIGN
from assessment.panels.models import (
    CellStatus,
    PanelCell,
    PanelEvent,
    PanelExpert,
    StepScreenshot,
)
from assessment.panels.selectors import (
    adjudication_queue,
    cell_context,
    expert_queue,
    panel_of,
    panel_overview,
    queue_counts,
    rubric_leaves,
)
from assessment.panels.services import PanelError, adjudicate, assign_by_hand, score_cell
from assessment.regions.access import can_see_region
from indicators.language import localized

QUEUE_PAGE = 50


def _panel_round(request: HttpRequest, round_id: int):
    round_ = get_round_for_user(request.user, round_id)
    require_administrator(request.user)
    return round_


def _existing_panel(request: HttpRequest, round_id: int):
    """(round, panel) for the actions on a round's panel; 404 until the panel is set up."""
    round_ = _panel_round(request, round_id)
    panel = panel_of(round_)
    if panel is None:
        raise Http404
    return round_, panel


def _setup_page(request, round_, *, form=None, expert_form=None, hand_form=None, status=200):
    panel = panel_of(round_)
    leaves = rubric_leaves(round_)
    context = {
        "round": round_,
        "panel": panel,
        "form": form or PanelForm(instance=panel, round_=round_, leaves=leaves),
        "expert_form": expert_form or ExpertForm(),
        "experts": list(panel.experts.select_related("user", "home_region")) if panel else [],
    }
    if panel is not None:
        panel_leaves = [leaf for leaf in leaves if leaf.code in panel.indicator_codes]
        context["hand_form"] = hand_form or HandAssignForm(panel=panel, leaves=panel_leaves)
        context["overview"] = panel_overview(panel)
    return render(request, "panels/setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _panel_round(request, round_id)
    if request.method == "GET":
        return _setup_page(request, round_)
    panel = panel_of(round_)
    form = PanelForm(request.POST, instance=panel, round_=round_, leaves=rubric_leaves(round_))
    if not form.is_valid():
        messages.error(request, _("The panel was not saved: correct the marked fields."))
        return _setup_page(request, round_, form=form, status=400)
    with transaction.atomic():
        saved = form.save(commit=False)
        saved.round = round_
        saved.save()
        PanelEvent.objects.create(
            panel=saved, actor=request.user, action=PanelEvent.Action.CHANGED,
            text=form.cleaned_data.get("reason") or "",
        )  # fmt: skip
    messages.success(request, _("Expert panel saved."))
    return redirect("assessment:panel_setup", round_.pk)


@login_required
@require_POST
def add_expert(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, panel = _existing_panel(request, round_id)
    form = ExpertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The expert was not added: correct the marked fields."))
        return _setup_page(request, round_, expert_form=form, status=400)
    user, home = form.cleaned_data["username"], form.cleaned_data["home_region"]
    _seat, created = PanelExpert.objects.update_or_create(
        panel=panel, user=user, defaults={"home_region": home}
    )
    messages.success(
        request,
        (_("%(user)s joined the panel.") if created else _("%(user)s's home region updated."))
        % {"user": user.get_username()},
    )
    return redirect("assessment:panel_setup", round_.pk)


@login_required
@require_POST
def remove_expert(request: HttpRequest, round_id: int, seat_id: int) -> HttpResponse:
    round_ = _panel_round(request, round_id)
    seat = PanelExpert.objects.filter(pk=seat_id, panel__round=round_).first()
    if seat is None:
        raise Http404
    scores = seat.user.panel_scores.filter(cell__panel=seat.panel)
    if scores.filter(scored_at__isnull=False).exists():
        messages.error(
            request,
            _("%(user)s has already scored cells: their scores stay, and so does their seat.")
            % {"user": seat.user.get_username()},
        )
        return redirect("assessment:panel_setup", round_.pk)
    with transaction.atomic():
        scores.delete()
        seat.delete()
    messages.success(request, _("Expert removed with their unscored cells."))
    return redirect("assessment:panel_setup", round_.pk)


@login_required
@require_POST
def assign(request: HttpRequest, round_id: int) -> HttpResponse:
    """Automatic assignment runs as a job: a national round has tens of thousands of cells."""
    round_, panel = _existing_panel(request, round_id)
    job = start_job(
        ASSIGN,
        owner=request.user,
        title=_("Assign the experts of %(round)s") % {"round": round_},
        key=work_key(ASSIGN, panel.pk),
        params={"panel": panel.pk},
        next_url=reverse("assessment:panel_setup", args=[round_.pk]),
    )
    return redirect("assessment:job", job.pk)


@login_required
@require_POST
def hand_assign(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, panel = _existing_panel(request, round_id)
    leaves = [leaf for leaf in rubric_leaves(round_) if leaf.code in panel.indicator_codes]
    form = HandAssignForm(request.POST, panel=panel, leaves=leaves)
    if not form.is_valid():
        messages.error(request, _("Nobody was assigned: correct the marked fields."))
        return _setup_page(request, round_, hand_form=form, status=400)
    added = assign_by_hand(
        panel, expert=form.cleaned_data["expert"], region_code=form.cleaned_data["region"],
        indicator_codes=form.cleaned_data["indicators"], actor=request.user,
    )  # fmt: skip
    messages.success(request, _("%(count)s cells assigned.") % {"count": added})
    return redirect("assessment:panel_setup", round_.pk)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The user's own assignments (empty for someone with no seat on a panel)."""
    page = Paginator(expert_queue(request.user), QUEUE_PAGE).get_page(request.GET.get("page"))
    assigned, scored = queue_counts(request.user)
    context = {"page": page, "assigned": assigned, "scored": scored}
    return render(request, "panels/queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, score_id: int) -> HttpResponse:
    own = get_own_score(request.user, score_id)
    cell = own.cell
    panel = cell.panel
    checklist = cell.indicator.mystery_shopping
    locked = cell.adjudicated or panel.round.status == RoundStatus.PUBLISHED
    context = {"own": own, "cell": cell, "panel": panel, "locked": locked,
               "context": cell_context(cell)}  # fmt: skip
    if checklist is not None:
        return _score_by_checklist(request, own, checklist, context)
    form = ScoreForm(
        request.POST or None,
        initial={"level": own.level, "justification": own.justification, "version": own.version},
    )
    if request.method == "POST":
        saved = _save_score(request, own, form, locked, lambda data: score_cell(
            own, level=data["level"], justification=data["justification"],
            version=data["version"], actor=request.user,
        ))  # fmt: skip
        if saved is not None:
            return saved
    context.update(form=form, rubric=list(enumerate(cell.indicator.rubric or [])))
    return render(request, "panels/score.html", context, status=400 if form.errors else 200)


def _save_score(request: HttpRequest, own, form, locked: bool, save) -> HttpResponse | None:
    """A posted score (a level, or a checklist): `save(cleaned_data)` stores it and says
    whether it was saved. The redirect after saving, or None with the reason in a message
    (the page is shown again with what was typed)."""
    if locked:
        messages.error(request, _("This cell's level is final: it cannot be scored again."))
        return None
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: correct the marked fields."))
        return None
    try:
        done = save(form.cleaned_data)
    except PanelError as error:
        messages.error(request, str(error))
        return None
    if done.saved:
        messages.success(request, _("Your level is saved."))
        return redirect("assessment:panel_queue")
    messages.warning(request, _("Your score changed in another window meanwhile: "
                                "the page shows it now."))  # fmt: skip
    return redirect("assessment:panel_score", own.pk)


def _score_by_checklist(request: HttpRequest, own, checklist, context: dict) -> HttpResponse:
    """A mystery-shopping cell: the expert records the steps, the level follows from them."""
    records = step_records(checklist, own)
    form = ChecklistForm(
        request.POST or None, request.FILES or None, checklist=checklist,
        initial=checklist_initial(own, records),
    )  # fmt: skip
    if request.method == "POST":
        saved = _save_score(request, own, form, context["locked"], lambda data: score_by_checklist(
            own, checklist=checklist, steps=form.recorded_steps(),
            justification=data["justification"], version=data["version"], actor=request.user,
        ))  # fmt: skip
        if saved is not None:
            return saved
    context.update(
        form=form, checklist=checklist, records=records, bands=checklist.bands,
        scenario=localized(checklist.scenario_zh, checklist.scenario_en),
    )  # fmt: skip
    return render(request, "panels/score_checklist.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
@require_GET
def step_screenshot(request: HttpRequest, shot_id: int) -> HttpResponse:
    """A step's screenshot: to the expert who took it, and to whoever may adjudicate the cell
    (other experts of the cell never see it: they score blind)."""
    shot = (
        StepScreenshot.objects.select_related("score__cell__panel__round", "score__cell__region")
        .filter(pk=shot_id)
        .first()
    )
    if shot is None:
        raise Http404
    cell = shot.score.cell
    if shot.score.expert_id != request.user.pk and not (
        can_see_region(request.user, cell.region) and may_adjudicate(request.user, cell)
    ):
        raise Http404
    return attachment_response(shot)


@login_required
@require_GET
def score_evidence(request: HttpRequest, score_id: int, evidence_id: int) -> HttpResponse:
    """The region's evidence for a cell, to the expert assigned to it (experts hold no role on
    the region, so the entry form's download is not theirs)."""
    own = get_own_score(request.user, score_id)
    evidence = Evidence.objects.filter(
        pk=evidence_id, indicator_id=own.cell.indicator_id,
        submission__round_id=own.cell.panel.round_id, submission__region_id=own.cell.region_id,
    ).first()  # fmt: skip
    if evidence is None:
        raise Http404
    return attachment_response(evidence)


@login_required
@require_GET
def adjudication(request: HttpRequest) -> HttpResponse:
    require_adjudication_user(request.user)
    page = Paginator(adjudication_queue(request.user), QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(request, "panels/adjudication.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def adjudicate_cell(request: HttpRequest, cell_id: int) -> HttpResponse:
    cell = (
        PanelCell.objects.select_related("panel__round__system", "region", "indicator")
        .filter(pk=cell_id)
        .first()
    )
    if cell is None or not can_see_region(request.user, cell.region):
        raise Http404  # out of reach: nobody learns the cell exists
    require_adjudicator(request.user, cell)
    form = AdjudicateForm(request.POST or None)
    if request.method == "POST":
        if cell.status != CellStatus.ADJUDICATION and not cell.adjudicated:
            messages.error(request, _("This cell does not wait for adjudication."))
        elif form.is_valid():
            try:
                adjudicate(cell, level=form.cleaned_data["level"],
                           reason=form.cleaned_data["reason"], actor=request.user)  # fmt: skip
            except PanelError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Final level set."))
                return redirect("assessment:panel_adjudication")
        else:
            messages.error(request, _("Nothing was saved: correct the marked fields."))
    scores = list(cell.scores.select_related("expert").order_by("level", "expert__username"))
    checklist = cell.indicator.mystery_shopping
    context = {
        "cell": cell, "scores": scores, "form": form, "context": cell_context(cell),
        "rubric": list(enumerate(cell.indicator.rubric or [])),
        "steps": {s.pk: step_records(checklist, s) for s in scores}
        if checklist is not None else {},
        "bands": checklist.bands if checklist is not None else None,
    }  # fmt: skip
    return render(request, "panels/adjudicate.html", context, status=400 if form.errors else 200)
