"""Bulk Excel import and export of a round's values."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.collection.access import (
    exchange_scope,
    get_import_for_user,
    get_round_for_user,
    require_round_role,
    round_roles,
)
from assessment.collection.forms.imports import ImportForm
from assessment.collection.models import Round
from assessment.collection.selectors.imports import recent_imports
from assessment.collection.services.exporting import export_values, problems_workbook
from assessment.collection.services.importing import ImportRules, import_apply, import_dry_run
from assessment.regions.access import is_administrator
from assessment.regions.models import Role

EXCHANGE_ROLES = [Role.EVALUATOR, Role.STAFF]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHECKED_CLEAN = _("Dry run: no problems. Check the summary, then apply the import.")
CHECKED_PROBLEMS = _("Dry run: %(count)s problem(s) found. Nothing was written.")
APPLIED = _("Imported: %(changes)s value(s) changed in %(submissions)s submission(s).")
PROBLEMS_SHOWN = 1000


def import_rules(user, round_: Round, *, include_approved: bool = False) -> ImportRules:
    """Administrators: every region, and may overwrite approved ones if they say so.
    Evaluators: their subtree. Staff: their own region, only while their entry is open."""
    if is_administrator(user):
        return ImportRules(include_approved=include_approved)
    evaluator = Role.EVALUATOR in round_roles(user, round_)
    return ImportRules(
        scope=exchange_scope(user, field="region__code"), respect_window=not evaluator
    )


@login_required
@require_GET
def export(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_round_role(request.user, round_, EXCHANGE_ROLES)
    scope = (
        None
        if is_administrator(request.user)
        else exchange_scope(request.user, field="region__code")
    )
    content = export_values(round=round_, scope=scope)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"values-{round_.period}-{round_.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request.user
    round_ = get_round_for_user(user, round_id)
    require_round_role(user, round_, EXCHANGE_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        include = form.cleaned_data["include_approved"] and is_administrator(user)
        batch = import_dry_run(
            round=round_,
            upload=form.cleaned_data["workbook"],
            user=user,
            rules=import_rules(user, round_, include_approved=include),
        )
        if batch.problem_count:
            messages.warning(request, CHECKED_PROBLEMS % {"count": batch.problem_count})
        else:
            messages.info(request, CHECKED_CLEAN)
        return redirect("assessment:import_report", batch.pk)
    context = {
        "round": round_,
        "form": form,
        "is_admin": is_administrator(user),
        "recent": recent_imports(round=round_, user=user, admin=is_administrator(user)),
    }
    return render(request, "collection/import_start.html", context)


@login_required
@require_GET
def import_report(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_import_for_user(request.user, batch_id)
    context = {
        "batch": batch,
        "round": batch.round,
        "problems": batch.problem_rows(PROBLEMS_SHOWN),
        "hidden": max(0, len(batch.problems) - PROBLEMS_SHOWN),
        "not_kept": batch.problem_count - len(batch.problems),
        "reasons": _reasons(batch.problems),
    }
    return render(request, "collection/import_report.html", context)


def _reasons(problems: list[list]) -> list[tuple[str, int]]:
    """How many kept problems share each reason (the column-independent part of the message)."""
    counts: dict[str, int] = {}
    for _sheet, _row, _column, message in problems:
        reason = message.split(": ", 1)[-1]
        counts[reason] = counts.get(reason, 0) + 1
    return sorted(counts.items(), key=lambda item: -item[1])[:15]


@login_required
@require_POST
def import_apply_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_import_for_user(request.user, batch_id)
    require_round_role(request.user, batch.round, EXCHANGE_ROLES)
    rules = import_rules(request.user, batch.round, include_approved=batch.include_approved)
    try:
        check = import_apply(batch=batch, user=request.user, rules=rules)
    except ValidationError as error:  # problems found on the second check, already applied …
        messages.error(request, " ".join(error.messages))
    else:
        summary = check.summary()
        messages.success(request, APPLIED % summary)
    return redirect("assessment:import_report", batch.pk)


@login_required
@require_GET
def import_problems(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Every problem of a dry run as a workbook (the page shows the first thousand)."""
    batch = get_import_for_user(request.user, batch_id)
    response = HttpResponse(problems_workbook(batch.problems), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-problems.xlsx"'
    return response
