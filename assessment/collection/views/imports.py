"""Bulk Excel import and export of a round's values."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.collection.access import (
    EXCHANGE_ROLES,
    exchange_scope,
    get_import_for_user,
    get_round_for_user,
    import_rules,
    require_round_role,
)
from assessment.collection.forms.imports import ImportForm
from assessment.collection.job_kinds import APPLIED, IMPORT_APPLY
from assessment.collection.selectors.imports import recent_imports
from assessment.collection.services.exporting import export_values, problems_workbook
from assessment.collection.services.importing import import_apply, import_dry_run
from assessment.jobs.services import start_job, work_key
from assessment.regions.access import is_administrator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHECKED_CLEAN = _("Dry run: no problems. Check the summary, then apply the import.")
CHECKED_PROBLEMS = _("Dry run: %(count)s problem(s) found. Nothing was written.")
PROBLEMS_SHOWN = 1000


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
    if batch.summary.get("rows", 0) > settings.IMPORT_DIRECT_MAX_ROWS:
        job = start_job(
            IMPORT_APPLY,
            owner=request.user,
            title=_("Import %(batch)s into %(round)s") % {"batch": batch.pk, "round": batch.round},
            key=work_key(IMPORT_APPLY, batch.pk),
            params={"batch": batch.pk},
            next_url=reverse("assessment:import_report", args=[batch.pk]),
        )
        return redirect("assessment:job", job.pk)
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
