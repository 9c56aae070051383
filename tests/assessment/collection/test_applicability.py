"""Indicator applicability (适用层级): an indicator limited to provinces and cities is not on a
county's form, not needed for its submission, refused in its import row, and taken out of its
score with the siblings' weights re-scaled."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from assessment.collection.models import Submission
from assessment.collection.services.importing import ImportRules, check_import
from assessment.collection.services.submissions import submission_completeness
from assessment.regions.models import Role
from assessment.results.models import Result, ResultFlag, ResultKind
from assessment.results.services.compute import compute_round, system_model
from indicators.models import Indicator
from indicators.services import system_new_version, system_publish
from tests.assessment.builders import fill_values, make_open_round, make_round
from tests.assessment.collection.workbooks import as_bytes, put, template
from tests.assessment.conftest import entry_url, fill
from tests.conftest import make_user

CITY_ONLY = ("DS.1.1", "DS.1.2", "DS.1.3")  # the whole DS.1 dimension


@pytest.fixture
def limited_system(default_system):
    draft = system_new_version(system=default_system)
    Indicator.objects.filter(system=draft, code__in=CITY_ONLY).update(
        applies_to=["province", "city"]
    )
    return system_publish(system=draft)


@pytest.fixture
def limited_round(limited_system, regions):
    return make_open_round(limited_system)


def submission(round_, code: str) -> Submission:
    return Submission.objects.select_related("round", "region").get(round=round_, region_id=code)


def test_a_countys_form_leaves_out_what_does_not_apply(client, limited_round, staff_xihu):
    client.force_login(staff_xihu)
    county = client.get(entry_url(submission(limited_round, "330106"))).content.decode()
    client.force_login(make_user("staff-330100", "330100", Role.STAFF))
    city = client.get(entry_url(submission(limited_round, "330100"))).content.decode()
    assert 'name="value-DS.1.1"' in city and 'name="value-DS.2.1"' in city
    assert 'name="value-DS.1.1"' not in county and 'name="value-DS.2.1"' in county
    assert "数据目录与归集" not in county  # the dimension has nothing left for a county
    note = county.split('data-testid="not-applicable"')[1].split("</div>")[0]
    assert "3 项指标不适用于县级地区" in note and "DS.1.1、DS.1.2、DS.1.3" in note
    assert 'data-testid="not-applicable"' not in city


def test_a_county_submits_without_the_indicators_that_do_not_apply(limited_round, staff_xihu):
    xihu = submission(limited_round, "330106")
    fill(xihu, staff_xihu, skip=CITY_ONLY)
    state = submission_completeness(xihu)
    assert state.complete, (state.missing_values, state.missing_evidence)
    city = submission(limited_round, "330100")
    assert set(submission_completeness(city).missing_values) >= set(CITY_ONLY)


def test_an_import_refuses_a_value_a_county_is_not_asked_for(limited_round):
    book = template(limited_round)
    sheet = book["填报数据"]
    put(sheet, "330106", "DS.1.1", 80)  # a county
    put(sheet, "330100", "DS.1.1", 80)  # a city: fine
    result = check_import(round=limited_round, source=as_bytes(book), rules=ImportRules())
    refused = [p for p in result.problems if "DS.1.1" in p.message]
    assert len(refused) == 1 and refused[0].row is not None
    assert {change[0] for change in result.changes} == {submission(limited_round, "330100").pk}


def test_the_score_leaves_the_indicators_out_and_rescales_the_weights(limited_system, regions):
    round_ = make_round(limited_system, period="2025")
    fill_values(round_, ["330100", "330106"])
    compute_round(round_=round_, with_sensitivity=False)
    model = system_model(limited_system)
    results = {
        (r.region_id, r.indicator.code if r.indicator_id else ""): r
        for r in Result.objects.filter(round=round_).select_related("indicator")
    }
    # The county: DS.1 and its leaves have no score and no flag (not "exempted", not
    # "missing"); DS is the weighted mean of its other dimensions, weights re-scaled.
    for code in ("DS.1", *CITY_ONLY):
        assert results[("330106", code)].score is None
        assert results[("330106", code)].flags == 0
    ds = results[("330106", "DS")]
    assert not ds.flags & (ResultFlag.EXEMPT | ResultFlag.MISSING | ResultFlag.PARTIAL)
    dimensions = Indicator.objects.filter(system=limited_system, parent__code="DS")
    weights = {d.code: float(d.weight) for d in dimensions if d.code != "DS.1"}
    expected = sum(results[("330106", c)].score * w for c, w in weights.items()) / sum(
        weights.values()
    )
    assert ds.score == pytest.approx(expected)
    # The city answers DS.1 and is scored on it.
    assert results[("330100", "DS.1")].score is not None
    assert model.applies_to["DS.1.1"] == ("province", "city")
    assert results[("330106", "")].kind == ResultKind.OVERALL
    assert np.isfinite(results[("330106", "")].score)


def test_applies_to_takes_known_levels_only(limited_system):
    from django.core.exceptions import ValidationError

    from indicators.services import system_new_version as new_version

    draft = new_version(system=limited_system)
    leaf = Indicator.objects.get(system=draft, code="DS.2.1")
    leaf.applies_to = ["township"]
    with pytest.raises(ValidationError) as error:
        leaf.full_clean()
    assert "applies_to" in error.value.message_dict
    leaf.applies_to = ["county"]
    leaf.full_clean()
    assert Decimal(leaf.weight) > 0


def test_the_methodology_panel_lists_what_applies_where(client, limited_system, administrator):
    from django.urls import reverse

    round_ = make_round(limited_system, period="2025")
    fill_values(round_, ["330100", "330106"])
    compute_round(round_=round_, with_sensitivity=False)
    client.force_login(administrator)
    page = client.get(reverse("assessment:ranking", args=[round_.pk])).content.decode()
    panel = page.split('data-testid="applicability"')[1].split("</dd>")[0]
    assert "权重按比例放大" in panel and "仅适用于省级、市级：DS.1.1、DS.1.2、DS.1.3" in panel


def test_required_verification_counts_only_what_applies(limited_system, regions):
    from assessment.verification.models import Requirement, Verification, VerificationPolicy
    from assessment.verification.selectors import required_coverage, verification_cells

    round_ = make_round(limited_system, period="2025")
    city, county = fill_values(round_, ["330100", "330106"])
    VerificationPolicy.objects.create(round=round_, requirement=Requirement.LISTED,
                                      indicator_codes=["DS.1.1", "SV.1.1"])  # fmt: skip
    coverage = required_coverage(round_)
    assert coverage.required == 2 + 1  # the county is not asked DS.1.1
    for submission, codes in ((city, ["DS.1.1", "SV.1.1"]), (county, ["SV.1.1"])):
        for code in codes:
            leaf = Indicator.objects.get(system=limited_system, code=code)
            Verification.objects.create(submission=submission, indicator=leaf,
                                        verified_at=timezone.now())  # fmt: skip
    coverage = required_coverage(round_)
    assert (coverage.missing, coverage.regions_left) == (0, 0)
    compute_round(round_=round_, with_sensitivity=False)  # nothing left to verify
    county_cells = {cell.indicator.code for cell in verification_cells(county)}
    assert "DS.1.1" not in county_cells and "SV.1.1" in county_cells
