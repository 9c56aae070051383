"""Reproduce the World Bank GovTech Maturity Index (GTMI) 2020, 2022 and 2025.

GTMI = mean of CGSI, PSDI, DCEI and GTEI; groups A >= 0.75 > B >= 0.50 > C >= 0.25 > D are
maturity levels without gates. The World Bank publishes unrounded values and cuts the
groups on them, so levels are assigned at the engine's finest precision (10 decimals on
the 0-100 scale, i.e. 12 on the published 0-1 scale: float noise only).
"""

from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import Options, compute
from tests.indicators.engine.published import DATA, GTMI_GROUPS, flat_tree, read_csv

COMPONENTS = ("cgsi", "psdi", "dcei", "gtei")


def load(year: int) -> list[dict[str, str]]:
    rows = read_csv(DATA / "gtmi" / "gtmi_groups_2020_2022_2025.csv")
    # The 2025 block ends with legend/footer rows whose "country code" is a number
    # ('0.75', '0.5', ...): only real ISO3 codes are economies.
    return [
        r
        for r in rows
        if r["year"] == str(year) and len(r["country_code"]) == 3 and r["country_code"].isalpha()
    ]


@pytest.mark.parametrize(("year", "economies"), [(2020, 198), (2022, 198), (2025, 197)])
def test_gtmi_scores_and_groups(year: int, economies: int) -> None:
    rows = load(year)
    assert len(rows) == economies
    raw = np.array([[float(r[c]) for c in COMPONENTS] for r in rows])
    tree = flat_tree(dict.fromkeys(COMPONENTS, 1.0), levels=GTMI_GROUPS)
    out = compute(tree, raw, None, Options(precision=10))
    published = np.array([float(r["gtmi"]) for r in rows])
    assert np.max(np.abs(out.overall / 100 - published)) <= 1e-12
    assert out.levels is not None
    assert [out.levels.code(i) for i in range(len(rows))] == [r["grp"] for r in rows]
