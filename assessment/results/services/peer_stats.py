"""Peer statistics, derived by the compute step for the region profiles.

Part of the compute step (`compute.compute_round`), written in its transaction: per (round,
region level, node) the number of regions with a score, their mean, median and best score and
which region holds the best, so that a region profile compares every node with its peers by
reading 66 rows instead of a national round's leaf rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from django.db import connection

from assessment.results.models import PeerStat
from assessment.results.services.result_writer import NULL, write_rows

PEER_LEVELS = ("province", "city", "county")  # engine peer group index → region level
PEER_STAT_COLUMNS = ("round_id", "level", "indicator_id", "kind", "count", "mean", "median",
                     "best", "best_region_id")  # fmt: skip


def _number(value: float) -> str:
    return NULL if value is None or value != value else repr(round(float(value), 6))


def peer_stat_rows(
    *,
    round_id: int,
    region_codes: Sequence[str],
    peers: np.ndarray,
    scores: np.ndarray,
    indicator_ids: Sequence[int | None],
    kinds: Sequence[int],
) -> list[tuple[str, ...]]:
    """One text row per (peer group present, node); `scores` is (regions × tree columns)."""
    rows: list[tuple[str, ...]] = []
    codes = np.asarray(region_codes)
    for group in np.unique(peers).tolist():
        members = np.flatnonzero(peers == group)
        block = scores[members]
        present = ~np.isnan(block)
        count = present.sum(axis=0)
        with warnings.catch_warnings():  # a node nobody scored on: NaN statistics, by design
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(block, axis=0)
            median = np.nanmedian(block, axis=0)
            best = np.nanmax(block, axis=0)
        # argmax finds the first maximum: regions are in code order, so the lowest code wins.
        leader = codes[members[np.argmax(np.where(present, block, -np.inf), axis=0)]]
        level = PEER_LEVELS[group]
        for j, (indicator_id, kind) in enumerate(zip(indicator_ids, kinds, strict=True)):
            rows.append(
                (
                    str(round_id),
                    level,
                    NULL if indicator_id is None else str(indicator_id),
                    str(kind),
                    str(int(count[j])),
                    _number(mean[j]),
                    _number(median[j]),
                    _number(best[j]),
                    str(leader[j]) if count[j] else NULL,
                )
            )
    return rows


def replace_peer_stats(*, round_id: int, rows: list[tuple[str, ...]]) -> None:
    """Replace the round's peer statistics; call inside the compute transaction."""
    table = PeerStat._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE round_id = %s", [round_id])
        write_rows(cursor, table, PEER_STAT_COLUMNS, rows)
