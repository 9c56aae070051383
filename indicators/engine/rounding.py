"""Rounding to the published precision, robust to binary floating point.

Ranks, maturity bands and gates are decided on the score *as published* (rounded), so two
regions shown as 80.00 tie, and a region shown as 75.00 is in the 75+ band. Plain
``np.round`` is unsuitable: it rounds halves to even (0.125 -> 0.12) and it sees 1.005 as
1.00499999999999989 (-> 1.00). We round half away from zero on a decimal-safe value:

1. scale by 10**precision;
2. snap the scaled value to 6 decimal places (``np.round(y, 6)``), which removes the binary
   representation error of a decimal half (100.49999999999999 -> 100.5) while leaving any
   real difference larger than 5e-7 units of the last published digit alone;
3. round half away from zero: ``sign(y) * floor(|y| + 0.5)``.

So 0.125 -> 0.13 and 1.005 -> 1.01 at 2 dp, as a person rounding the printed decimal would.
"""

from __future__ import annotations

import numpy as np

#: Largest supported precision: scores are at most 100, so 10 decimals already exceed the
#: ~15 significant digits a float64 carries.
MAX_PRECISION = 10
_SNAP_DECIMALS = 6


def check_precision(precision: int) -> int:
    valid = isinstance(precision, int) and not isinstance(precision, bool)
    if not valid or not 0 <= precision <= MAX_PRECISION:
        raise ValueError(
            f"precision must be an integer from 0 to {MAX_PRECISION}, got {precision!r}"
        )
    return precision


def scaled_round(values: object, precision: int) -> np.ndarray:
    """Values rounded half away from zero, in units of 10**-precision (integer-valued floats).

    NaN stays NaN. Comparing these integers is exact, which is what ties need.
    """
    y = np.asarray(values, dtype=np.float64) * 10.0 ** check_precision(precision)
    y = np.round(y, _SNAP_DECIMALS)
    return np.copysign(np.floor(np.abs(y) + 0.5), y)


def round_score(values: object, precision: int) -> np.ndarray:
    """Scores rounded to ``precision`` decimals (half away from zero), as published."""
    return scaled_round(values, precision) / 10.0**precision
