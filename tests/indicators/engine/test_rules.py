from __future__ import annotations

import json

import numpy as np
import pytest

from indicators.engine import (
    Bands,
    Goalposts,
    Groups,
    PeerPercentile,
    Rubric,
    YesNo,
    rule_from_dict,
)

NAN = np.nan


def scores(rule: object, values: list[float], labels: list[int] | None = None) -> list[float]:
    groups = Groups.of(labels, len(values)) if labels is not None else None
    return rule.score(np.array(values, dtype=float), groups).tolist()  # type: ignore[attr-defined]


def assert_same(actual: list[float], expected: list[float]) -> None:
    np.testing.assert_allclose(np.array(actual), np.array(expected), rtol=0, atol=1e-12)


class TestGoalposts:
    def test_higher_is_better_is_clamped_linear(self) -> None:
        assert_same(scores(Goalposts(60, 95), [50, 60, 77.5, 95, 99]), [0, 0, 50, 100, 100])

    def test_lower_is_better_when_floor_above_target(self) -> None:
        rule = Goalposts(20, 5)  # response time in working days
        assert rule.direction == -1
        assert_same(scores(rule, [25, 20, 12.5, 5, 1]), [0, 0, 50, 100, 100])

    def test_incidents_each_cost_fifty(self) -> None:
        assert_same(scores(Goalposts(2, 0), [0, 1, 2, 7]), [100, 50, 0, 0])

    def test_missing_in_missing_out(self) -> None:
        out = scores(Goalposts(0, 10), [NAN, 5])
        assert np.isnan(out[0])
        assert out[1] == 50

    def test_equal_goalposts_rejected(self) -> None:
        with pytest.raises(ValueError, match="must differ"):
            Goalposts(5, 5)

    def test_non_finite_goalposts_rejected(self) -> None:
        with pytest.raises(ValueError, match="finite"):
            Goalposts(0, float("inf"))


class TestBands:
    def test_higher_is_better_threshold_enters_the_band_above(self) -> None:
        rule = Bands((50, 80), (0, 60, 100))
        assert_same(scores(rule, [10, 50, 79.9, 80, 95]), [0, 60, 60, 100, 100])
        assert rule.target == 80

    def test_lower_is_better_threshold_enters_the_band_below(self) -> None:
        rule = Bands((5, 10), (100, 50, 0), higher_is_better=False)  # <= 5 days is best
        assert_same(scores(rule, [3, 5, 7, 10, 10.1]), [100, 100, 50, 50, 0])
        assert rule.direction == -1
        assert rule.target == 5

    def test_missing_stays_missing(self) -> None:
        assert np.isnan(scores(Bands((1,), (0, 100)), [NAN])[0])

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"thresholds": (2, 1), "scores": (0, 50, 100)}, "strictly increasing"),
            ({"thresholds": (1,), "scores": (0, 50, 100)}, "need len"),
            ({"thresholds": (1, 2), "scores": (0, 150, 100)}, r"\[0, 100\]"),
            ({"thresholds": (1, 2), "scores": (100, 50, 0)}, "must not decrease"),
            (
                {"thresholds": (1, 2), "scores": (0, 50, 100), "higher_is_better": False},
                "must not increase",
            ),
            ({"thresholds": (1,), "scores": (50, 50)}, "all be equal"),
            ({"thresholds": (), "scores": (50,)}, "at least one"),
        ],
    )
    def test_invalid_bands(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            Bands(**kwargs)  # type: ignore[arg-type]


class TestRubric:
    def test_default_times_twenty(self) -> None:
        assert_same(scores(Rubric(), [0, 1, 2, 3, 4, 5]), [0, 20, 40, 60, 80, 100])

    def test_custom_map(self) -> None:
        assert_same(scores(Rubric((0, 10, 50, 100)), [0, 1, 2, 3, NAN])[:4], [0, 10, 50, 100])

    @pytest.mark.parametrize("bad", [2.5, -1, 6])
    def test_invalid_level_is_a_data_error(self, bad: float) -> None:
        with pytest.raises(ValueError, match="rubric level"):
            scores(Rubric(), [1, bad])

    def test_decreasing_map_rejected(self) -> None:
        with pytest.raises(ValueError, match="not decrease"):
            Rubric((0, 50, 40))


class TestYesNo:
    def test_yes_no(self) -> None:
        out = scores(YesNo(), [1, 0, NAN])
        assert out[:2] == [100, 0]
        assert np.isnan(out[2])

    def test_other_values_rejected(self) -> None:
        with pytest.raises(ValueError, match="yes/no"):
            scores(YesNo(), [1, 2])


class TestPeerPercentile:
    def test_percentile_within_each_group_not_across(self) -> None:
        # Group 1 has much larger counts; each group's best still scores 100.
        values = [1, 2, 3, 100, 200, 300]
        assert_same(scores(PeerPercentile(), values, [0, 0, 0, 1, 1, 1]), [0, 50, 100] * 2)

    def test_ties_share_the_mean_position(self) -> None:
        # Two tied in the middle of four: each beats one other, ties count half.
        assert_same(scores(PeerPercentile(), [1, 5, 5, 9]), [0, 50, 50, 100])

    def test_single_member_and_all_equal_groups_score_fifty(self) -> None:
        out = scores(PeerPercentile(), [7, 3, 3, 3], [0, 1, 1, 1])
        assert_same(out, [50, 50, 50, 50])

    def test_missing_values_are_not_members(self) -> None:
        out = scores(PeerPercentile(), [1, NAN, 3])
        assert np.isnan(out[1])
        assert_same([out[0], out[2]], [0, 100])

    def test_lower_is_better(self) -> None:
        assert_same(scores(PeerPercentile(higher_is_better=False), [1, 2, 3]), [100, 50, 0])


@pytest.mark.parametrize(
    "rule",
    [
        Goalposts(20, 5),
        Bands((5, 10), (100, 50, 0), higher_is_better=False),
        Rubric((0, 10, 50, 100)),
        YesNo(),
        PeerPercentile(higher_is_better=False),
    ],
)
def test_rules_round_trip_through_json(rule: object) -> None:
    data = json.loads(json.dumps(rule.to_dict()))  # type: ignore[attr-defined]
    assert rule_from_dict(data) == rule


def test_unknown_rule_kind() -> None:
    with pytest.raises(ValueError, match="unknown rule kind"):
        rule_from_dict({"kind": "magic"})
    with pytest.raises(ValueError, match="bad fields"):
        rule_from_dict({"kind": "goalposts", "floor": 1})
