"""What the compute step derives for the dashboards: peer statistics and the progress race.

Part of the compute step (`compute.compute_round`), written in its transaction:

- `PeerStat`: per (round, region level, node) the number of regions with a score, their
  mean, median and best score and which region holds the best, so that a region profile
  compares every node with its peers by reading 66 rows instead of a national round's 138,000
  leaf rows;
- `ScoreChange`: per region, the change of its published (rounded) overall score since the
  comparison round (`Round.previous`, same indicator system, with results) and its rank in the
  progress race (进步榜) among peers of the same level, highest first, equal changes sharing
  the best rank, exactly as the level race ranks scores.

Recomputing a round also refreshes the progress race of the rounds that compare with it, so
a progress race never rests on results that were replaced.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from assessment.collection.models import Round
from assessment.regions.models import level_for_code
from assessment.results.models import PeerStat, Result, ResultKind, ScoreChange
from assessment.results.services.result_writer import NULL, write_rows
from indicators.engine import Options, rank_desc, scaled_round

PEER_LEVELS = ("province", "city", "county")  # engine peer group index → region level
PEER_STAT_COLUMNS = ("round_id", "level", "indicator_id", "kind", "count", "mean", "median",
                     "best", "best_region_id")  # fmt: skip
CHANGE_COLUMNS = ("round_id", "region_id", "previous_id", "previous_score", "previous_rank",
                  "change", "rank")  # fmt: skip


def _number(value: float) -> str:
    return NULL if value is None or value != value else repr(round(float(value), 6))


def _integer(value: float) -> str:
    return NULL if value is None or value != value else str(int(value))


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


@dataclass(frozen=True)
class Standing:
    """A round's overall results, as the progress race needs them (codes in any order)."""

    round_id: int
    precision: int
    codes: Sequence[str]
    scores: np.ndarray
    ranks: np.ndarray

    def lookup(self, codes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ranks) of `codes` in that order, NaN where this round has no row."""
        index = {code: i for i, code in enumerate(self.codes)}
        rows = np.array([index.get(code, -1) for code in codes], dtype=np.int64)
        found = rows >= 0
        scores = np.full(len(codes), np.nan)
        ranks = np.full(len(codes), np.nan)
        scores[found] = self.scores[rows[found]]
        ranks[found] = self.ranks[rows[found]]
        return scores, ranks


def comparable_previous(round_: Round) -> Round | None:
    """`Round.previous` when its scores can be compared: same indicator system, computed."""
    previous = round_.previous
    if previous is None or previous.system_id != round_.system_id or not previous.computed_at:
        return None
    return previous


def _precision(round_: Round) -> int:
    try:
        return Options.from_dict(round_.method or {}).precision
    except (TypeError, ValueError):
        return Options().precision


def stored_standing(round_: Round) -> Standing:
    """A computed round's overall results as stored (one query)."""
    rows = list(
        Result.objects.filter(round=round_, kind=ResultKind.OVERALL).values_list(
            "region_id", "score", "rank"
        )
    )
    return Standing(
        round_id=round_.pk,
        precision=_precision(round_),
        codes=[code for code, _, _ in rows],
        scores=np.array([np.nan if s is None else s for _, s, _ in rows], dtype=float),
        ranks=np.array([np.nan if r is None else r for _, _, r in rows], dtype=float),
    )


def change_rows(
    *, current: Standing, previous: Standing, peers: np.ndarray
) -> list[tuple[str, ...]]:
    """The progress race of `current` against `previous`, one text row per current region.

    The change is taken between the published scores, each rounded to its own round's
    precision, and ranked at the finer of the two precisions (so it is exact, not a float
    difference of 6-decimal scores).
    """
    precision = max(current.precision, previous.precision)
    before, before_rank = previous.lookup(current.codes)
    now = scaled_round(current.scores, current.precision) * 10.0 ** (precision - current.precision)
    then = scaled_round(before, previous.precision) * 10.0 ** (precision - previous.precision)
    change = (now - then) / 10.0**precision
    ranks = rank_desc(change, peers, precision)
    head = (str(current.round_id),)
    tail = str(previous.round_id)
    return [
        (*head, code, tail, _number(b), _integer(br), _number(c), _integer(r))
        for code, b, br, c, r in zip(
            current.codes,
            before.tolist(),
            before_rank.tolist(),
            change.tolist(),
            ranks.tolist(),
            strict=True,
        )
    ]


def peer_groups_of(codes: Sequence[str]) -> np.ndarray:
    """Engine peer group per region code (the level a GB/T 2260 code denotes)."""
    return np.array([PEER_LEVELS.index(level_for_code(code)) for code in codes], dtype=np.int64)


def successor_changes(round_: Round, current: Standing) -> dict[int, list[tuple[str, ...]]]:
    """Fresh progress rows for the computed rounds that compare with `round_` (≥ 1 query)."""
    successors = Round.objects.filter(
        previous=round_, system_id=round_.system_id, computed_at__isnull=False
    )
    refreshed = {}
    for successor in successors:
        standing = stored_standing(successor)
        refreshed[successor.pk] = change_rows(
            current=standing, previous=current, peers=peer_groups_of(standing.codes)
        )
    return refreshed


def replace_dashboard_rows(
    *,
    round_id: int,
    peer_stats: list[tuple[str, ...]],
    changes: dict[int, list[tuple[str, ...]]],
) -> None:
    """Replace the round's peer statistics and the progress rows of every round in `changes`
    (an empty list clears a round's progress race). Call inside the compute transaction."""
    stats_table = PeerStat._meta.db_table
    change_table = ScoreChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {stats_table} WHERE round_id = %s", [round_id])
        write_rows(cursor, stats_table, PEER_STAT_COLUMNS, peer_stats)
        for changed_round, rows in changes.items():
            cursor.execute(f"DELETE FROM {change_table} WHERE round_id = %s", [changed_round])
            write_rows(cursor, change_table, CHANGE_COLUMNS, rows)
