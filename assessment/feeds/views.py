"""The raw feed pages (administrators only): upload a platform's raw file for a dry run, read
its report, apply it; and the population table per-10,000 rates divide by."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.collection.models import Round, Value
from assessment.collection.services.values import canonical
from assessment.feeds.forms import EXPLAINED, PopulationForm, RawFeedForm
from assessment.feeds.job_kinds import FEED_APPLY, FEED_CHECK, direct_max_bytes
from assessment.feeds.models import AggregationKind, FeedStatus, Population, RawFeed
from assessment.feeds.services import feed_apply, feed_dry_run, population_import
from assessment.jobs.models import Job
from assessment.jobs.services import start_job, work_key
from assessment.regions.access import is_administrator
from assessment.regions.models import Region

RECENT = 20
VALUES_SHOWN = 200
PROBLEMS_SHOWN = 1000


def _require_administrator(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionDenied


def _feed(feed_id: int) -> RawFeed:
    queryset = RawFeed.objects.select_related("round", "indicator", "uploaded_by")
    return get_object_or_404(queryset, pk=feed_id)


@login_required
@require_http_methods(["GET", "POST"])
def feed_list(request: HttpRequest, round_id: int) -> HttpResponse:
    _require_administrator(request)
    round_ = get_object_or_404(Round, pk=round_id)
    posted = request.method == "POST"
    form = RawFeedForm(
        request.POST if posted else None, request.FILES if posted else None, round_=round_
    )
    status = 200
    if posted:
        if form.is_valid():
            return _dry_run(request, round_, form)
        messages.error(request, _("The file was not checked: correct the marked fields."))
        status = 400
    recent = (
        RawFeed.objects.filter(round=round_)
        .select_related("indicator", "uploaded_by")
        .defer("problems", "values")[:RECENT]
    )
    context = {
        "round": round_,
        "form": form,
        "recent": recent,
        "explained": [(AggregationKind(kind).label, text) for kind, text in EXPLAINED.items()],
        "has_fed": bool(form.leaves),
        "direct_mb": direct_max_bytes() // 1024 // 1024,
    }
    return render(request, "feeds/feed_list.html", context, status=status)


def _dry_run(request: HttpRequest, round_: Round, form: RawFeedForm) -> HttpResponse:
    upload = form.cleaned_data["file"]
    large = upload.size > direct_max_bytes()
    feed = feed_dry_run(
        round_=round_, data=form.cleaned_data, upload=upload, user=request.user, defer=large
    )
    report = reverse("assessment:feed_report", args=[feed.pk])
    if large:
        job = start_job(
            FEED_CHECK,
            owner=request.user,
            title=_("Check %(file)s for %(round)s") % {"file": feed.original_name, "round": round_},
            key=work_key(FEED_CHECK, feed.pk),
            params={"feed": feed.pk},
            next_url=report,
        )
        return redirect("assessment:job", job.pk)
    problems = feed.summary.get("problems", 0)
    if problems:
        messages.warning(
            request,
            _("Dry run: %(count)s problem(s) found. Nothing was written.") % {"count": problems},
        )
    else:
        messages.info(request, _("Dry run: no problems. Check the values, then apply the file."))
    return redirect(report)


@login_required
@require_GET
def feed_report(request: HttpRequest, feed_id: int) -> HttpResponse:
    _require_administrator(request)
    feed = _feed(feed_id)
    summary = feed.summary
    codes = list(feed.values)[:VALUES_SHOWN]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    current = dict(
        Value.objects.filter(
            submission__round_id=feed.round_id,
            submission__region_id__in=codes,
            indicator_id=feed.indicator_id,
        ).values_list("submission__region_id", "value")
    ) if codes else {}  # fmt: skip
    region_rows = summary.get("region_rows", {})
    values = [
        {
            "code": code,
            "name": names.get(code, ""),
            "rows": region_rows.get(code),
            "value": feed.values[code],
            "current": canonical(current[code]) if current.get(code) is not None else None,
        }
        for code in codes
    ]
    pending = bool(summary.get("pending"))
    job = None
    if pending or feed.status == FeedStatus.CHECKED:
        keys = [work_key(FEED_CHECK, feed.pk), work_key(FEED_APPLY, feed.pk)]
        job = Job.objects.filter(key__in=keys).order_by("-pk").first()
    problem_count = summary.get("problems", 0)
    context = {
        "feed": feed,
        "round": feed.round,
        "summary": summary,
        "pending": pending,
        "job": job,
        "values": values,
        "more_values": max(0, len(feed.values) - VALUES_SHOWN),
        "problems": feed.problems[:PROBLEMS_SHOWN],
        "problem_count": problem_count,
        "not_kept": max(0, problem_count - len(feed.problems[:PROBLEMS_SHOWN])),
        "can_apply": (
            feed.status == FeedStatus.CHECKED and not pending and not problem_count
            and summary.get("changes", 0) > 0
        ),
    }  # fmt: skip
    return render(request, "feeds/feed_report.html", context)


@login_required
@require_POST
def feed_apply_view(request: HttpRequest, feed_id: int) -> HttpResponse:
    _require_administrator(request)
    feed = _feed(feed_id)
    report = reverse("assessment:feed_report", args=[feed.pk])
    size = feed.summary.get("bytes") or 0
    if (
        size > direct_max_bytes()
        and feed.status == FeedStatus.CHECKED
        and not feed.summary.get("pending")
    ):
        job = start_job(
            FEED_APPLY,
            owner=request.user,
            title=_("Apply %(file)s to %(round)s")
            % {"file": feed.original_name, "round": feed.round},
            key=work_key(FEED_APPLY, feed.pk),
            params={"feed": feed.pk},
            next_url=report,
        )
        return redirect("assessment:job", job.pk)
    try:
        check, recompute = feed_apply(feed, request.user)
    except ValidationError as error:  # problems on the second look, already applied, gone …
        messages.error(request, " ".join(error.messages))
    else:
        text = _("Applied: %(changes)s value(s) changed in %(submissions)s submission(s).") % {
            "changes": len(check.changes),
            "submissions": len(check.submissions),
        }
        if recompute:
            text += " " + _("The round's results are being computed again.")
        messages.success(request, text)
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
def population(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    posted = request.method == "POST"
    form = PopulationForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[list] = []
    status = 200
    if posted:
        if form.is_valid():
            count, problems = population_import(form.cleaned_data["file"])
            if not problems:
                messages.success(
                    request, _("Population table: %(count)s row(s) stored.") % {"count": count}
                )
                return redirect("assessment:population")
            messages.error(
                request,
                _("The table has %(count)s problem(s); nothing was stored.")
                % {"count": len(problems)},
            )
        else:
            messages.error(request, _("The file was not read: correct the marked field."))
        status = 400
    years = (
        Population.objects.values("year")
        .annotate(regions=Count("id"), people=Sum("people"))
        .order_by("-year")
    )
    context = {"form": form, "problems": problems, "years": years}
    return render(request, "feeds/population.html", context, status=status)
