"""The round compute service: engine output written to Results, atomically and in bulk."""

from __future__ import annotations

import math

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.collection.models import Round, Value
from assessment.jobs.models import Job
from assessment.results.models import Result, ResultFlag, ResultKind
from assessment.results.services import result_writer
from assessment.results.services.compute import (
    ComputeError,
    compute_round,
    round_options,
    system_model,
)
from indicators.engine import OVERALL, compute
from tests.assessment.builders import fill_values, make_round
from tests.assessment.jobs.worker import work_off

HANGZHOU = ["330100", "330102", "330105", "330106", "330108", "330109", "330110"]
NINGBO = ["330200", "330203", "330205"]


@pytest.fixture
def scored_round(regions, default_system):
    round_ = make_round(default_system, period="2025")
    fill_values(round_, HANGZHOU + NINGBO)
    return round_


def snapshot(round_: Round) -> list[tuple]:
    return sorted(
        Result.objects.filter(round=round_).values_list(
            "region_id", "indicator_id", "score", "rank", "rank_in_parent", "level_id", "flags"
        ),
        key=lambda row: (row[0], row[1] or 0),
    )


def test_results_equal_the_engine_output(scored_round):
    report = compute_round(round_=scored_round, with_sensitivity=False)
    model = system_model(scored_round.system)
    regions = list(scored_round.participating_regions().order_by("code"))
    # Build the engine's input independently of the service's loader.
    raw = np.full((len(regions), len(model.tree.leaf_codes)), np.nan)
    values = Value.objects.filter(submission__round=scored_round).select_related(
        "submission", "indicator"
    )
    rows = {r.code: i for i, r in enumerate(regions)}
    for v in values:
        raw[rows[v.submission.region_id], model.tree.leaf_codes.index(v.indicator.code)] = float(
            v.value
        )
    peers = [{"city": 1, "county": 2}[r.level] for r in regions]
    expected = compute(model.tree, raw, peers, round_options(scored_round))

    assert report.regions == len(regions) == 102 - 1  # every city and county of Zhejiang
    assert report.results == len(regions) * len(model.tree.columns)
    assert Result.objects.filter(round=scored_round).count() == report.results
    codes = {i.pk: i.code for i in scored_round.system.indicators.all()}
    for result in Result.objects.filter(round=scored_round, region_id__in=HANGZHOU + NINGBO):
        i = rows[result.region_id]
        j = model.tree.column(codes[result.indicator_id] if result.indicator_id else OVERALL)
        assert result.score == pytest.approx(expected.scores[i, j])
        assert result.rank == int(expected.ranks["peer"][i, j])
        assert result.flags == int(expected.flags[i, j])
    overall = Result.objects.get(round=scored_round, region_id="330100", indicator=None)
    assert overall.kind == ResultKind.OVERALL
    assert overall.level.code == expected.levels.codes[expected.levels.index[rows["330100"]]]


def test_regions_without_approved_values_are_missing_and_unranked(scored_round):
    compute_round(round_=scored_round, with_sensitivity=False)
    empty = Result.objects.get(round=scored_round, region_id="330206", indicator=None)
    assert empty.score is None and empty.rank is None and empty.level is None
    assert empty.flags & ResultFlag.MISSING
    ranked = Result.objects.filter(round=scored_round, kind=ResultKind.OVERALL, rank__isnull=False)
    assert sorted(ranked.filter(region__level="city").values_list("rank", flat=True)) == [1, 2]


def test_draft_values_do_not_count(regions, default_system):
    round_ = make_round(default_system)
    fill_values(round_, ["330106"], status="draft")
    fill_values(round_, ["330108"])
    compute_round(round_=round_, with_sensitivity=False)
    assert Result.objects.get(round=round_, region_id="330106", indicator=None).score is None
    assert Result.objects.get(round=round_, region_id="330108", indicator=None).score is not None


def test_ranks_within_parent_and_rank_intervals(scored_round):
    compute_round(round_=scored_round)
    counties = Result.objects.filter(
        round=scored_round, kind=ResultKind.OVERALL, region__level="county", score__isnull=False
    )
    hangzhou = sorted(
        counties.filter(region__parent_id="330100").values_list("rank_in_parent", flat=True)
    )
    assert hangzhou == list(range(1, 7))
    for result in counties:
        assert result.rank_low <= result.rank <= result.rank_high
    assert scored_round.compute_notes["sensitivity_draws"] == 1000


def test_recomputing_replaces_and_never_duplicates(scored_round):
    compute_round(round_=scored_round, with_sensitivity=False)
    count = Result.objects.filter(round=scored_round).count()
    before = Result.objects.get(round=scored_round, region_id="330106", indicator=None).score
    Value.objects.filter(
        submission__round=scored_round, submission__region_id="330106", indicator__code="SV.1.1"
    ).update(value=0)
    compute_round(round_=scored_round, with_sensitivity=False)
    assert Result.objects.filter(round=scored_round).count() == count
    after = Result.objects.get(round=scored_round, region_id="330106", indicator=None).score
    assert after < before


def test_a_failure_while_writing_leaves_the_previous_results(scored_round, monkeypatch):
    compute_round(round_=scored_round, with_sensitivity=False)
    previous = snapshot(scored_round)
    computed_at = Round.objects.get(pk=scored_round.pk).computed_at
    Value.objects.filter(submission__round=scored_round).update(value=1)

    original = result_writer.ResultRows.from_outcome.__func__

    def corrupted(cls, **kwargs):
        rows = original(cls, **kwargs)
        rows.kinds[5] = result_writer.NULL  # the database rejects these rows (kind is NOT NULL)
        return rows

    monkeypatch.setattr(result_writer.ResultRows, "from_outcome", classmethod(corrupted))
    with pytest.raises(IntegrityError):
        compute_round(round_=scored_round, with_sensitivity=False)
    assert snapshot(scored_round) == previous
    assert Round.objects.get(pk=scored_round.pk).computed_at == computed_at


def test_invalid_methodology_options_are_reported(scored_round):
    scored_round.method = {"normalisation": "magic"}
    with pytest.raises(ComputeError, match="normalisation"):
        compute_round(round_=scored_round)


def test_method_options_change_the_scores(regions, default_system):
    rules = make_round(default_system, period="2025")
    minmax = make_round(default_system, period="2025", method={"normalisation": "minmax"})
    for round_ in (rules, minmax):
        fill_values(round_, HANGZHOU)
        compute_round(round_=round_, with_sensitivity=False)
    a = Result.objects.get(round=rules, region_id="330102", indicator=None).score
    b = Result.objects.get(round=minmax, region_id="330102", indicator=None).score
    assert not math.isclose(a, b)


def test_query_count_does_not_grow_with_the_number_of_regions(regions, default_system):
    counts = []
    for size in (2, 8):
        round_ = make_round(default_system)
        fill_values(round_, HANGZHOU[:size])
        with CaptureQueriesContext(connection) as queries:
            compute_round(round_=round_, with_sensitivity=False)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_command_computes_by_period_and_explains_ambiguity(scored_round, capsys):
    call_command("compute_round", "2025", "--no-sensitivity")
    assert "101 regions" in capsys.readouterr().out
    make_round(scored_round.system, period="2025")
    with pytest.raises(CommandError, match="Several rounds"):
        call_command("compute_round", "2025")
    with pytest.raises(CommandError, match="No round"):
        call_command("compute_round", "1999")


# A worker runs the job: the data must be committed (tests/assessment/jobs/worker.py).
@pytest.mark.django_db(transaction=True)
def test_compute_button_is_for_administrators_only(
    client, scored_round, administrator, supervisor_zhejiang, django_capture_on_commit_callbacks
):
    url = reverse("assessment:round_compute", args=[scored_round.pk])
    assert client.post(url).status_code == 302  # anonymous → login
    assert "/accounts/login/" in client.post(url)["Location"]
    client.force_login(supervisor_zhejiang)
    assert client.post(url).status_code == 403
    assert not Result.objects.filter(round=scored_round).exists()
    client.force_login(administrator)
    assert client.get(url).status_code == 405
    # Not confirmed (the button's form says confirm=yes once the dialog is accepted): refused.
    refused = client.post(url, {"next": "https://evil.example/"})
    assert refused.status_code == 400 and not Job.objects.exists()
    assert 'data-testid="confirm-required"' in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": "https://evil.example/", "confirm": "yes"})
    job = Job.objects.get()  # computing runs as a background job
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:job", args=[job.pk])
    assert job.next_url == reverse("assessment:home")  # not the foreign site
    assert not Result.objects.filter(round=scored_round).exists()
    work_off()
    job.refresh_from_db()
    assert job.state == "done" and "101" in job.message
    assert Result.objects.filter(round=scored_round).exists()
