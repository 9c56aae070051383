"""Writing the ranking read model (`Standing`) and the progress race it carries.

Part of the compute step (`compute.compute_round`), in its transaction: one row per region with
the overall score, rank, rank within the parent region, rank interval, maturity level, the area
scores and ranks, and the progress race (进步榜): the change of the published (rounded)
overall score since the comparison round (`Round.previous`, same indicator system, with
results), ranked among peers of the same level, highest first, equal changes sharing the best
rank, exactly as the level race ranks scores.

Recomputing a round also refreshes the progress columns of the rounds that compare with it, so
a progress race never rests on results that were replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from assessment.collection.models import Round
from assessment.regions.models import level_for_code
from assessment.results.models import Result, ResultKind, Standing
from assessment.results.models.standings import AREA_SLOTS, CLASS_SLOTS, area_fields, class_fields
from assessment.results.selectors.nodes import precision_of
from assessment.results.services.result_writer import NULL, copy_text, write_rows
from indicators.engine import rank_desc, round_score, scaled_round

PEER_LEVELS = ("province", "city", "county")  # engine peer group index → region level
PROGRESS_COLUMNS = ("previous_round_id", "previous_score", "previous_rank", "rank_change",
                    "change", "change_rank")  # fmt: skip
STANDING_COLUMNS = (
    "round_id", "region_id", "region_level", "parent_id", "name", "parent_name",
    "score", "rank", "rank_in_parent",
    "rank_low", "rank_high", "maturity_id", "maturity_by_score_id", "held_back", "flags",
    *(name for slot in range(AREA_SLOTS) for name in area_fields(slot)),
    *(name for slot in range(CLASS_SLOTS) for name in class_fields(slot)),
    *PROGRESS_COLUMNS,
    "corrected", "overstated", "verification_effect",
)  # fmt: skip


def _number(value: float) -> str:
    return NULL if value is None or value != value else repr(float(value))


def _integer(value: float) -> str:
    return NULL if value is None or value != value else str(int(value))


def _numbers(values: np.ndarray, precision: int | None = None) -> list[str]:
    array = np.asarray(values, dtype=float)
    if precision is not None:
        array = round_score(array, precision)
    return [_number(v) for v in array.tolist()]


def _integers(values) -> list[str]:
    return [_integer(v) for v in np.asarray(values, dtype=float).tolist()]


@dataclass(frozen=True)
class Overall:
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


@dataclass(frozen=True)
class Progress:
    """The progress race of a round's regions (in `Overall.codes` order) against a previous
    round: that round's published scores and ranks, the change, the rank of the change."""

    previous_round_id: int
    previous_scores: np.ndarray
    previous_ranks: np.ndarray
    changes: np.ndarray
    change_ranks: np.ndarray
    precision: int  # of the changes: the finer of the two rounds' precisions

    def columns(self, ranks: np.ndarray) -> list[list[str]]:
        """The progress columns as text, given the current ranks (for places gained)."""
        n = len(self.changes)
        gained = np.asarray(self.previous_ranks, dtype=float) - np.asarray(ranks, dtype=float)
        return [
            [str(self.previous_round_id)] * n,
            _numbers(self.previous_scores),
            _integers(self.previous_ranks),
            _integers(gained),
            _numbers(self.changes, self.precision),
            _integers(self.change_ranks),
        ]


def comparable_previous(round_: Round) -> Round | None:
    """`Round.previous` when its scores can be compared: same indicator system, computed."""
    previous = round_.previous
    if previous is None or previous.system_id != round_.system_id or not previous.computed_at:
        return None
    return previous


def stored_overall(round_: Round) -> Overall:
    """A computed round's overall results as stored (one query)."""
    rows = list(
        Result.objects.filter(round=round_, kind=ResultKind.OVERALL).values_list(
            "region_id", "score", "rank"
        )
    )
    return Overall(
        round_id=round_.pk,
        precision=precision_of(round_),
        codes=[code for code, _, _ in rows],
        scores=np.array([np.nan if s is None else s for _, s, _ in rows], dtype=float),
        ranks=np.array([np.nan if r is None else r for _, _, r in rows], dtype=float),
    )


def progress(*, current: Overall, previous: Overall, peers: np.ndarray) -> Progress:
    """The progress race of `current` against `previous`.

    The change is taken between the published scores, each rounded to its own round's
    precision, and ranked at the finer of the two precisions (so it is exact, not a float
    difference of 6-decimal scores).
    """
    precision = max(current.precision, previous.precision)
    before, before_rank = previous.lookup(current.codes)
    now = scaled_round(current.scores, current.precision) * 10.0 ** (precision - current.precision)
    then = scaled_round(before, previous.precision) * 10.0 ** (precision - previous.precision)
    change = (now - then) / 10.0**precision
    return Progress(
        previous_round_id=previous.round_id,
        previous_scores=round_score(before, previous.precision),
        previous_ranks=before_rank,
        changes=change,
        change_ranks=rank_desc(change, peers, precision).astype(float),
        precision=precision,
    )


def peer_groups_of(codes: Sequence[str]) -> np.ndarray:
    """Engine peer group per region code (the level a GB/T 2260 code denotes)."""
    return np.array([PEER_LEVELS.index(level_for_code(code)) for code in codes], dtype=np.int64)


@dataclass(frozen=True)
class Verified:
    """What verification did to each region's row (in the standings' region order)."""

    corrected: np.ndarray  # values whose verified value differs from the region's own
    overstated: np.ndarray  # leaves flagged OVERSTATED
    self_scores: np.ndarray  # overall scores computed from the self-reported values

    def effects(self, scores: np.ndarray, precision: int) -> np.ndarray:
        """Published score minus the published self-reported score (exact at the round's
        precision, like the progress race's change); NaN where nothing was corrected."""
        effect = scaled_round(scores, precision) - scaled_round(self.self_scores, precision)
        effect = effect / 10.0**precision
        return np.where(self.corrected > 0, effect, np.nan)

    def columns(self, scores: np.ndarray, precision: int) -> list[list[str]]:
        return [_integers(self.corrected), _integers(self.overstated),
                _numbers(self.effects(scores, precision), precision)]  # fmt: skip


@dataclass
class StandingInput:
    """A round's standings as arrays over its regions (in `codes` order)."""

    round_id: int
    precision: int
    codes: Sequence[str]
    levels: Sequence[str]  # region level
    parents: Sequence[str | None]
    names: Sequence[str]
    parent_names: Sequence[str]  # "" without a parent
    scores: np.ndarray  # overall, as computed (rounded to `precision` when written)
    ranks: np.ndarray
    ranks_in_parent: np.ndarray
    rank_lows: np.ndarray | None
    rank_highs: np.ndarray | None
    maturity: Sequence[str]  # MaturityLevel ids as text (NULL: none)
    maturity_by_score: Sequence[str]
    flags: np.ndarray
    area_scores: np.ndarray  # regions × areas, in the system's area order
    area_ranks: np.ndarray
    progress: Progress | None = None
    verification: Verified | None = None
    # Per classification scheme of the round: each region's class ("" none) and overall rank
    # among the regions of its level in that class.
    class_labels: Sequence[Sequence[str]] = ()
    class_ranks: Sequence[np.ndarray] = ()

    def rows(self) -> list[tuple[str, ...]]:
        n = len(self.codes)
        missing = np.full(n, np.nan)
        areas = self.area_scores.shape[1]
        area_columns: list[list[str]] = []
        for slot in range(AREA_SLOTS):
            if slot < areas:
                area_columns.append(_numbers(self.area_scores[:, slot], self.precision))
                area_columns.append(_integers(self.area_ranks[:, slot]))
            else:
                area_columns.extend([[NULL] * n, [NULL] * n])
        class_columns: list[list[str]] = []
        for slot in range(CLASS_SLOTS):
            if slot < len(self.class_labels):
                class_columns.append(_texts(self.class_labels[slot]))
                class_columns.append(_integers(self.class_ranks[slot]))
            else:
                class_columns.extend([[""] * n, [NULL] * n])
        progress = (
            self.progress.columns(self.ranks) if self.progress else [[NULL] * n for _ in range(6)]
        )
        held = ["1" if m != b and m != NULL else "0"
                for m, b in zip(self.maturity, self.maturity_by_score, strict=True)]  # fmt: skip
        columns = [
            [str(self.round_id)] * n,
            list(self.codes),
            list(self.levels),
            [NULL if p is None else p for p in self.parents],
            _texts(self.names),
            _texts(self.parent_names),
            _numbers(self.scores, self.precision),
            _integers(self.ranks),
            _integers(self.ranks_in_parent),
            _integers(missing if self.rank_lows is None else self.rank_lows),
            _integers(missing if self.rank_highs is None else self.rank_highs),
            list(self.maturity),
            list(self.maturity_by_score),
            _booleans(held),
            [str(int(f)) for f in np.asarray(self.flags).tolist()],
            *area_columns,
            *class_columns,
            *progress,
            *(self.verification.columns(self.scores, self.precision) if self.verification
              else [["0"] * n, ["0"] * n, [NULL] * n]),
        ]  # fmt: skip
        return list(zip(*columns, strict=True))


def _texts(values: Sequence[str]) -> list[str]:
    """Text cells, escaped for COPY on PostgreSQL; SQLite takes the values as parameters."""
    if connection.vendor != "postgresql":
        return list(values)
    return [copy_text(value) for value in values]


def _booleans(values: list[str]) -> list[str]:
    """COPY takes t/f for booleans; SQLite stores 1/0."""
    if connection.vendor == "postgresql":
        return ["t" if v == "1" else "f" for v in values]
    return values


def replace_standings(*, round_id: int, rows: list[tuple[str, ...]]) -> None:
    """Replace the round's standings; call inside the compute transaction."""
    table = Standing._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE round_id = %s", [round_id])
        write_rows(cursor, table, STANDING_COLUMNS, rows)


def refresh_successors(round_: Round, current: Overall) -> int:
    """Recompute the progress columns of the computed rounds that compare with `round_`
    (≥ 1 query); returns how many rounds were refreshed."""
    successors = Round.objects.filter(
        previous=round_, system_id=round_.system_id, computed_at__isnull=False
    )
    table = Standing._meta.db_table
    assignments = ", ".join(f"{column} = %s" for column in PROGRESS_COLUMNS)
    refreshed = 0
    for successor in successors:
        overall = stored_overall(successor)
        race = progress(current=overall, previous=current, peers=peer_groups_of(overall.codes))
        values = zip(*race.columns(overall.ranks), strict=True)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE round_id = %s AND region_id = %s",
                [
                    (*(None if cell == NULL else cell for cell in cells), successor.pk, code)
                    for cells, code in zip(values, overall.codes, strict=True)
                ],
            )
        successor.compute_notes = {**(successor.compute_notes or {}), "compared_with": round_.pk}
        successor.save(update_fields=["compute_notes"])
        refreshed += 1
    return refreshed
