"""The profile explains a score: per indicator the value entered (and the verified one), the rule,
the points it adds and could add (the engine's own arithmetic: they add up to the overall
score), and what the region lacks for the next maturity level."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessment.collection.models import Submission
from assessment.dashboards.selectors.profile import region_profile
from assessment.regions.models import Region
from assessment.results.models import Exemption, Result
from assessment.results.services.compute import compute_round, system_model
from assessment.verification.models import Verification
from indicators.engine import round_score
from indicators.engine.aggregate import aggregate, exempt_nodes
from indicators.engine.flags import FLAG_DTYPE
from indicators.models import Indicator, MaturityLevel
from indicators.services import system_new_version, system_publish
from tests.assessment.builders import fill_values, make_round

REGIONS = ["330100", "330102", "330105", "330106", "330108", "330200", "330203"]
CITY_ONLY = ("DS.1.1", "DS.1.2", "DS.1.3")


def computed(system, before=None):
    round_ = make_round(system, period="2025")
    fill_values(round_, REGIONS)
    if before:
        before(round_)
    compute_round(round_=round_, with_sensitivity=False)
    return round_


def profile_of(round_, code="330106"):
    return region_profile(round_=round_, region=Region.objects.get(code=code))


def stored(round_, code="330106") -> dict[str, Result]:
    rows = Result.objects.filter(round=round_, region_id=code).select_related("indicator")
    return {r.indicator.code if r.indicator_id else "": r for r in rows}


def leaf_points(profile) -> dict[str, tuple[float | None, float | None]]:
    shares = profile.explanation.shares
    return {
        n.code: (shares[n.code].points, shares[n.code].contribution) for n in profile.nodes.leaves
    }


def assert_engine_points(round_, profile, code="330106"):
    """The contributions add up to the stored overall score to the round's precision, and each
    leaf's points are what the engine's aggregation gives its score: changing the leaf's
    stored score by d changes the overall score by d × points / 100."""
    rows = stored(round_, code)
    overall = rows[""].score
    points = leaf_points(profile)
    total = math.fsum(c for _p, c in points.values() if c is not None)
    assert float(round_score(total, 2)) == float(round_score(overall, 2))
    assert total == pytest.approx(overall, abs=1e-4)  # stored to 6 decimals
    tree = system_model(round_.system).tree
    leaves = np.array(
        [[np.nan if rows[c].score is None else rows[c].score for c in tree.leaf_codes]]
    )
    mask = np.array([[points[c][0] is None for c in tree.leaf_codes]])
    exempt = exempt_nodes(tree, mask) if mask.any() else None
    flags = np.zeros(leaves.shape, dtype=FLAG_DTYPE)

    def engine(scores):
        out, _ = aggregate(tree, scores, flags, geometric=False, min_coverage=0.5, exempt=exempt)
        return out[0, -1]

    assert engine(leaves) == pytest.approx(overall, abs=1e-5)
    for j, leaf in enumerate(tree.leaf_codes):
        share, contribution = points[leaf]
        if contribution is None:
            continue
        assert contribution == pytest.approx(rows[leaf].score * share / 100)
        moved = leaves.copy()
        moved[0, j] -= 1.0
        assert (engine(leaves) - engine(moved)) * 100 == pytest.approx(share, rel=1e-6)


def test_the_points_add_up_to_the_overall_score_as_the_engine_aggregates(regions, default_system):
    round_ = computed(default_system)
    profile = profile_of(round_)
    assert_engine_points(round_, profile)
    nominal = {n.code: n.points for n in profile.nodes.leaves}
    scored = {c: p for c, (p, x) in leaf_points(profile).items() if x is not None}
    if len(scored) == len(nominal):  # complete data: the system's own points
        assert scored == pytest.approx(nominal)


@pytest.fixture
def limited_system(default_system):
    draft = system_new_version(system=default_system)
    Indicator.objects.filter(system=draft, code__in=CITY_ONLY).update(
        applies_to=["province", "city"]
    )
    return system_publish(system=draft)


def test_a_county_gets_the_points_of_what_does_not_apply_to_it(regions, limited_system):
    round_ = computed(limited_system)
    county = profile_of(round_)
    assert_engine_points(round_, county)
    points = leaf_points(county)
    assert all(points[c] == (None, None) for c in CITY_ONLY)
    nominal = {n.code: n.points for n in county.nodes.leaves}
    # DS.1 (8 of DS's 30 points) is shared out over DS's other dimensions
    assert points["DS.2.1"][0] == pytest.approx(nominal["DS.2.1"] * 30 / 22)
    assert points["SV.1.1"][0] == pytest.approx(nominal["SV.1.1"])
    assert math.fsum(p for p, x in points.values() if x is not None) == pytest.approx(100)
    city = profile_of(round_, "330100")
    assert_engine_points(round_, city, "330100")
    assert leaf_points(city)["DS.1.1"][0] == pytest.approx(nominal["DS.1.1"])


def test_an_exempt_indicator_contributes_nothing(regions, default_system):
    def exempt(round_):
        Exemption.objects.create(
            round=round_,
            region_id="330106",
            indicator=Indicator.objects.get(system=default_system, code="SV.1.1"),
            reason="申诉成立",
        )

    round_ = computed(default_system, before=exempt)
    profile = profile_of(round_)
    assert leaf_points(profile)["SV.1.1"] == (None, None)
    assert_engine_points(round_, profile)
    nominal = {n.code: n.points for n in profile.nodes.leaves}
    assert leaf_points(profile)["SV.1.2"][0] > nominal["SV.1.2"]  # SV.1's siblings share it


def test_the_value_entered_the_verified_one_and_the_rule(regions, default_system):
    def correct(round_):
        submission = Submission.objects.get(round=round_, region_id="330106")
        leaf = Indicator.objects.get(system=default_system, code="SV.4.2")
        own = submission.values.get(indicator=leaf)
        own.value = Decimal("91.5")
        own.save()
        Verification.objects.create(
            submission=submission, indicator=leaf, self_value=Decimal("91.5"),
            verified_value=Decimal("84"), corrected=True, verified_at=timezone.now(),
        )  # fmt: skip

    round_ = computed(default_system, before=correct)
    with translation.override("en"):
        leaves = profile_of(round_).explanation.leaves
    assert (leaves["SV.4.2"].value, leaves["SV.4.2"].verified) == ("91.5 %", "84 %")
    assert leaves["SV.4.2"].rule == ("Goalposts: 80% scores 0, 100% scores 100, linear in between")
    assert leaves["PP.2.3"].rule == "Yes = 100, no = 0" and leaves["PP.2.3"].verified == ""
    assert stored(round_)["SV.4.2"].score == pytest.approx(20)  # scored on the verified 84


# --- The next maturity level -----------------------------------------------------------------


def set_results(round_, overall: float, level: str, **scores: float) -> None:
    """Overwrite 330106's stored overall score, level and some node scores."""
    levels = {lv.code: lv for lv in MaturityLevel.objects.filter(system=round_.system)}
    rows = stored(round_)
    rows[""].score, rows[""].level = overall, levels[level]
    rows[""].level_by_score = levels[level]
    rows[""].save()
    for code, score in {"DS": 70, "SV": 70, "BL": 70, "PP": 70, **scores}.items():
        Result.objects.filter(pk=rows[code.replace("_", ".")].pk).update(score=score)


@pytest.fixture
def round_(regions, default_system):
    return computed(default_system)


def gap_text(round_) -> str:
    with translation.override("en"):
        return profile_of(round_).explanation.next_level_text


def test_a_region_one_gate_short(round_):
    set_results(round_, 80.0, "L3", SV_4_2=72.0, DS_3_1=95.0)
    assert gap_text(round_) == "To reach L4: SV.4.2 needs 80 (now 72.00)"


def test_a_region_one_score_short_with_an_area_too_low(round_):
    set_results(round_, 72.7, "L3", BL=61.0, SV_4_2=90.0, DS_3_1=95.0)
    assert gap_text(round_) == (
        "To reach L4: overall score +2.30; every area at least 65 (BL now 61.00)"
    )


def test_nothing_at_the_top_level(round_):
    set_results(round_, 95.0, "L5", DS=90, SV=90, BL=90, PP=90)
    assert profile_of(round_).explanation.next_level is None
    assert gap_text(round_) == ""


def test_the_page_shows_values_rules_points_and_the_next_level(client, round_, administrator):
    set_results(round_, 80.0, "L3", SV_4_2=72.0, DS_3_1=95.0)
    client.force_login(administrator)
    response = client.get(reverse("assessment:profile", args=[round_.pk, "330106"]))
    page = response.content.decode()
    assert "SV.4.2" in page.split('data-testid="profile-next-level"')[1].split("</p>")[0]
    share = response.context["profile"].explanation.shares["SV.1.1"]
    cell = page.split('data-testid="points-SV.1.1">')[1].split("</td>")[0]
    two = [float(round_score(x, 2)) for x in (share.contribution, share.points)]
    assert cell == "{:.2f} / {:.2f}".format(*two)
    assert 'data-testid="rule-SV.1.1"' in page and 'data-testid="value-SV.1.1"' in page
    assert 'data-testid="points-DS.1"' in page  # dimensions too (the sum of their leaves')
    assert 'data-testid="points-DS"' not in page  # the areas' table is as it was


def test_under_a_peer_relative_normalisation_gates_read_the_rule_score_of_the_value(
    regions, default_system
):
    def value_90(round_):
        submission = Submission.objects.get(round=round_, region_id="330106")
        submission.values.filter(indicator__code="SV.4.2").update(value=Decimal(90))

    round_ = make_round(default_system, period="2025", method={"normalisation": "minmax"})
    fill_values(round_, REGIONS)
    value_90(round_)
    compute_round(round_=round_, with_sensitivity=False)
    set_results(round_, 80.0, "L3", SV_4_2=99.0, DS_3_1=95.0)  # the stored minmax scores
    text = gap_text(round_)
    assert "SV.4.2 needs 80 (now 50.00)" in text  # goalposts 80 → 100 on the value 90


def test_geometric_means_show_the_weights_but_no_points(
    client, regions, default_system, administrator
):
    round_ = make_round(default_system, period="2025", method={"aggregation": "geometric"})
    fill_values(round_, REGIONS)
    compute_round(round_=round_, with_sensitivity=False)
    profile = profile_of(round_)
    assert not profile.explanation.additive
    assert all(c is None and p is not None for p, c in leaf_points(profile).values())
    client.force_login(administrator)
    page = client.get(reverse("assessment:profile", args=[round_.pk, "330106"])).content.decode()
    cell = page.split('data-testid="points-SV.1.1">')[1].split("</td>")[0]
    assert " / " not in cell and cell == f"{profile.explanation.shares['SV.1.1'].points:.2f}"
