"""Rounds for administrators: list, create, change, open, close, deadline extensions, and the
rectification completion rate of an earlier round written into this one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import (
    get_round_for_user,
    home_roles,
    is_administrator,
    require_administrator,
    round_roles,
)
from assessment.forms import require_valid
from assessment.forms.rounds import CompletionRateForm, ExtensionForm, RoundForm
from assessment.models import Region, RegionLevel, Round, RoundStatus, Submission
from assessment.selectors.collection import round_extensions
from assessment.selectors.rounds import round_progress, rounds_for_user
from assessment.services.completion_rate import fill_completion_rate
from assessment.services.rounds import (
    extension_grant,
    round_close,
    round_create,
    round_open,
    round_update,
)

CREATED = _("Round created as a draft. Open it when the dates are right.")
UPDATED = _("Round saved.")
OPENED = _("Round opened: %(count)s new submission(s) created.")
CLOSED = _("Round closed: entry is locked for every region.")
EXTENDED = _("Deadline for %(region)s extended to %(date)s.")
NOT_IN_ROUND = _("This region does not take part in the round.")
FILLED = _(
    "%(indicator)s filled with the completion rate of %(source)s: %(written)s region(s) "
    "written, %(unchanged)s already had that value."
)
FILL_SKIPPED = _("Not written (submitted, approved or entry closed): %(regions)s.")
FILL_REFUSED = _("Refused by the indicator's bounds: %(regions)s.")


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (is_administrator(user) or home_roles(user)):
        raise PermissionDenied
    rounds = list(rounds_for_user(user)[:50])
    context = {
        "progress": round_progress(user=user, rounds=rounds),
        "is_admin": is_administrator(user),
        "roles": {r.pk: round_roles(user, r) for r in rounds},
    }
    return render(request, "assessment/round_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = round_create(**form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, CREATED)
            return redirect("assessment:round_detail", round_.pk)
    return render(request, "assessment/round_form.html", {"form": form, "round": None})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_administrator(request.user)
    form = RoundForm.for_round(round_, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_update(round=round_, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, UPDATED)
            return redirect("assessment:round_detail", round_.pk)
    return render(request, "assessment/round_form.html", {"form": form, "round": round_})


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_GET
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_administrator(request.user)
    context = {
        "round": round_,
        "levels": [RegionLevel(level).label for level in round_.levels],
        "progress": round_progress(user=request.user, rounds=[round_])[0],
        "extensions": list(round_extensions(round=round_)),
        "extension_form": ExtensionForm(),
        "completion_form": (
            CompletionRateForm(round_=round_) if round_.status == RoundStatus.OPEN else None
        ),
    }
    return render(request, "assessment/round_detail.html", context)


def _round_action(request: HttpRequest, round_id: int, action) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)  # 404 when it is not theirs to see
    require_administrator(request.user)
    try:
        action(round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("assessment:round_detail", round_.pk)


@login_required
@require_POST
def open_round(request: HttpRequest, round_id: int) -> HttpResponse:
    def action(round_):
        created = round_open(round=round_, user=request.user)
        messages.success(request, OPENED % {"count": created})

    return _round_action(request, round_id, action)


@login_required
@require_POST
def close_round(request: HttpRequest, round_id: int) -> HttpResponse:
    def action(round_):
        round_close(round=round_, user=request.user)
        messages.success(request, CLOSED)

    return _round_action(request, round_id, action)


@login_required
@require_POST
def grant_extension(request: HttpRequest, round_id: int) -> HttpResponse:
    form = ExtensionForm(request.POST)

    def action(round_):
        require_valid(form)
        region = form.cleaned_data["region"]
        submission = Submission.objects.filter(round=round_, region=region).first()
        if submission is None:
            raise ValidationError(NOT_IN_ROUND)
        submission.round = round_
        extension = extension_grant(
            submission=submission,
            user=request.user,
            closes_at=form.cleaned_data["closes_at"],
            reason=form.cleaned_data["reason"],
        )
        date = f"{localtime(extension.closes_at):%Y-%m-%d %H:%M}"
        messages.success(request, EXTENDED % {"region": region.name, "date": date})

    return _round_action(request, round_id, action)


@login_required
@require_POST
def fill_completion(request: HttpRequest, round_id: int) -> HttpResponse:
    """Write each region's rectification completion rate in an earlier round into its draft
    of this round (the `fill_completion_rate` command, as a button)."""

    def action(round_):
        form = CompletionRateForm(request.POST, round_=round_)
        require_valid(form)
        source = Round.objects.get(pk=form.cleaned_data["source"])
        report = fill_completion_rate(
            from_round=source,
            to_round=round_,
            indicator_code=form.cleaned_data["indicator"],
            user=request.user,
        )
        messages.success(
            request,
            FILLED
            % {
                "indicator": report.indicator,
                "source": source,
                "written": len(report.written),
                "unchanged": len(report.unchanged),
            },
        )
        if report.locked:
            messages.warning(request, FILL_SKIPPED % {"regions": _region_list(report.locked)})
        if report.invalid:
            messages.warning(request, FILL_REFUSED % {"regions": _region_list(report.invalid)})

    return _round_action(request, round_id, action)


def _region_list(reasons: dict[str, str], shown: int = 20) -> str:
    """'西湖区 330106（已提交）、… +5': long lists cut so that a message stays readable."""
    codes = sorted(reasons)
    names = dict(Region.objects.filter(code__in=codes[:shown]).values_list("code", "name"))
    items = [f"{names.get(code, '')} {code}（{reasons[code]}）" for code in codes[:shown]]
    more = f" … +{len(codes) - shown}" if len(codes) > shown else ""
    return "、".join(items) + more
