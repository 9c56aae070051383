"""Rounds for administrators: list, create, change, open, close, deadline extensions; the
round page also shows the sections later stages add (collection/round_page.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.collection import round_page
from assessment.collection.access import get_round_for_user, round_roles
from assessment.collection.forms.rounds import ExtensionForm, RoundForm
from assessment.collection.models import Submission
from assessment.collection.selectors.imports import round_extensions
from assessment.collection.selectors.rounds import round_progress, rounds_for_user
from assessment.collection.services.rounds import (
    extension_grant,
    round_close,
    round_create,
    round_open,
    round_update,
)
from assessment.core.confirm import is_confirmed, refuse_unconfirmed
from assessment.core.forms import require_valid
from assessment.regions.access import home_roles, is_administrator, require_administrator
from assessment.regions.models import RegionLevel

CREATED = _("Round created as a draft. Open it when the dates are right.")
UPDATED = _("Round saved.")
OPENED = _("Round opened: %(count)s new submission(s) created.")
CLOSED = _("Round closed: entry is locked for every region.")
EXTENDED = _("Deadline for %(region)s extended to %(date)s.")
NOT_IN_ROUND = _("This region does not take part in the round.")


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
    return render(request, "collection/round_list.html", context)


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
    return render(request, "collection/round_form.html", {"form": form, "round": None})


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
    return render(request, "collection/round_form.html", {"form": form, "round": round_})


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
        "sections": round_page.sections(request, round_),
    }
    return render(request, "collection/round_detail.html", context)


def round_action(
    request: HttpRequest, round_id: int, action, *, confirm: bool = False
) -> HttpResponse:
    """Run `action(round_)` for an administrator, then back to the round's page. `confirm`:
    the action overwrites data, so the POST must say it was confirmed (core/confirm.py)."""
    round_ = get_round_for_user(request.user, round_id)  # 404 when it is not theirs to see
    require_administrator(request.user)
    if confirm and not is_confirmed(request):
        return refuse_unconfirmed(
            request, back=reverse("assessment:round_detail", args=[round_.pk])
        )
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

    return round_action(request, round_id, action)


@login_required
@require_POST
def close_round(request: HttpRequest, round_id: int) -> HttpResponse:
    def action(round_):
        round_close(round=round_, user=request.user)
        messages.success(request, CLOSED)

    return round_action(request, round_id, action)


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

    return round_action(request, round_id, action)
