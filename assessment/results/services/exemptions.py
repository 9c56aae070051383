"""The round's exemptions (申诉豁免) as the engine's (regions × leaves) mask."""

from __future__ import annotations

import numpy as np

from assessment.collection.models import Round
from assessment.results.models import Exemption


def exempt_mask(round_: Round, leaf_codes: list[str], region_codes: list[str]):
    """(mask or None, how many cells): None when the round exempts nothing (the engine's fast
    path). One query."""
    rows = list(Exemption.objects.filter(round=round_).values_list("region_id", "indicator__code"))
    if not rows:
        return None, 0
    row_of = {code: i for i, code in enumerate(region_codes)}
    col_of = {code: j for j, code in enumerate(leaf_codes)}
    mask = np.zeros((len(region_codes), len(leaf_codes)), dtype=bool)
    for region, indicator in rows:
        i, j = row_of.get(region), col_of.get(indicator)
        if i is not None and j is not None:
            mask[i, j] = True
    count = int(mask.sum())
    return (mask if count else None), count
