from __future__ import annotations

import json

import pytest

from indicators.engine import Options, describe


def test_defaults() -> None:
    o = Options()
    assert (o.normalisation, o.missing, o.min_coverage, o.aggregation) == (
        "rules",
        "reweight",
        0.5,
        "arithmetic",
    )
    assert (o.outliers, o.outlier_winmax, o.outlier_skew, o.outlier_kurt) == (False, 5, 2.0, 3.5)
    assert o.precision == 2
    assert (o.sensitivity_draws, o.sensitivity_epsilon, o.sensitivity_seed) == (1000, 0.25, 0)
    assert o.sensitivity_interval == (0.05, 0.95)


def test_round_trip_through_json() -> None:
    o = Options(
        normalisation="zscore",
        missing="impute",
        min_coverage=0.75,
        aggregation="geometric",
        outliers=True,
        outlier_log="ct_orig",
        precision=3,
        sensitivity_methods=("rules", "minmax"),
        sensitivity_interval=(0.1, 0.9),
    )
    stored = json.dumps(o.to_dict())
    assert Options.from_dict(json.loads(stored)) == o
    assert json.loads(stored)["version"] == 1


def test_missing_keys_take_defaults() -> None:
    assert Options.from_dict({"precision": 1}) == Options(precision=1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"normalization": "minmax"}, "unknown option"),
        ({"normalisation": "magic"}, "normalisation must be one of"),
        ({"missing": "drop"}, "missing must be one of"),
        ({"aggregation": "harmonic"}, "aggregation must be one of"),
        ({"min_coverage": 1.5}, "min_coverage"),
        ({"sensitivity_epsilon": 1.0}, "sensitivity_epsilon"),
        ({"sensitivity_draws": 0}, "sensitivity_draws"),
        ({"outlier_winmax": -1}, "outlier_winmax"),
        ({"outliers": "yes"}, "outliers"),
        ({"precision": 11}, "precision"),
        ({"sensitivity_methods": ["minmax", "minmax"]}, "duplicates"),
        ({"sensitivity_interval": [0.9, 0.1]}, "sensitivity_interval"),
        ({"version": 99}, "unsupported options version"),
    ],
)
def test_invalid_options_are_rejected(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Options.from_dict(data)


def test_describe_in_chinese_and_english() -> None:
    zh = describe(Options())
    en = describe(Options(), "en")
    assert "目标值法" in zh
    assert "50%" in zh
    assert "2位小数" in zh
    assert zh.endswith("。")
    assert en.startswith("Each leaf")
    assert "50%" in en
    assert "2 decimals" in en


def test_describe_follows_the_options() -> None:
    o = Options(
        normalisation="minmax",
        outliers=True,
        missing="impute",
        aggregation="geometric",
        sensitivity_methods=("rules", "zscore"),
    )
    en = describe(o, "en")
    assert "min–max" in en
    assert "winsorised" in en
    assert "peer-group mean" in en
    assert "geometric" in en
    assert "rules, zscore" in en
    assert "缩尾" in describe(o, "zh")
    # outlier treatment is not mentioned where it does not apply
    assert "winsorised" not in describe(Options(outliers=True), "en")


def test_describe_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="lang"):
        describe(Options(), "fr")
