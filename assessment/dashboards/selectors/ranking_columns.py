"""A ranking's regions held column by column, and the rows built from them on demand.

A national ranking has 2,846 counties and its page shows 50 of them. Building a `RankingRow`
per region (with its area lists), keying and sorting those objects, and freeing them after
the response cost about as much Python as the rest of the page (docs/BENCHMARKS.md). Here the
selector fills one list (or NumPy matrix) per field, filters and orders *positions*, and a
`RankingRows` sequence builds a row only when someone reads it: a table page, the chart
leaders, or every row for an export.

No queries here: `selectors/ranking.py` reads what fills the columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np

from assessment.dashboards.selectors.ranking_rows import (
    AREA_PREFIX,
    RACE_PROGRESS,
    RankingQuery,
    RankingRow,
)
from assessment.results.selectors.nodes import LevelInfo


@dataclass(eq=False)
class RegionColumns:
    """Every region of a ranking, one list per field: position i is one region throughout.

    Scores are as published (rounded). The area matrices have a row per region and a column
    per area (`area_index`: area code → column); NaN and -1 mean no score or rank.
    """

    codes: list[str]
    names: list[str]
    parent_names: list[str]
    scores: list[float | None]
    ranks: list[int | None]
    rank_lows: list[int | None]
    rank_highs: list[int | None]
    levels: list[LevelInfo | None]
    bands: list[LevelInfo | None]  # the level the score alone reaches
    flags: list[int]
    repeated_names: set[str] = field(default_factory=set)  # labelled with their parent's name
    area_index: Mapping[str, int] = field(default_factory=dict)
    area_scores: np.ndarray | None = None
    area_ranks: np.ndarray | None = None
    # Filled from the progress race when it can be shown (None: no change).
    previous_scores: list[float | None] = field(init=False)
    previous_ranks: list[int | None] = field(init=False)
    changes: list[float | None] = field(init=False)
    change_ranks: list[int | None] = field(init=False)
    position: dict[str, int] = field(init=False)  # region code → position

    def __post_init__(self) -> None:
        self.position = {code: i for i, code in enumerate(self.codes)}
        n = len(self.codes)
        self.previous_scores, self.previous_ranks = [None] * n, [None] * n
        self.changes, self.change_ranks = [None] * n, [None] * n

    def __len__(self) -> int:
        return len(self.codes)

    def label(self, i: int) -> str:
        """Chart labels must be unique (Plotly merges equal categories): 鼓楼区 exists in four
        cities, so a repeated name gets its parent's name."""
        name = self.names[i]
        if name in self.repeated_names:
            return f"{name}（{self.parent_names[i] or self.codes[i]}）"
        return name

    def area_column(self, code: str) -> tuple[list[float | None], list[int | None]]:
        """The scores and ranks of one area for every region (None where there is none)."""
        j = self.area_index.get(code)
        if j is None or self.area_scores is None:
            return [None] * len(self), [None] * len(self)
        return _scores(self.area_scores[:, j]), _places(self.area_ranks[:, j])

    def race_keys(self, query: RankingQuery) -> tuple[list, list]:
        """What the race ranks, per region: (key scores, key ranks) — the change for the
        progress race, an area's score and rank, or the overall score and rank."""
        if query.race == RACE_PROGRESS:
            return self.changes, self.change_ranks
        if query.rank_by:
            return self.area_column(query.rank_by)
        return self.scores, self.ranks

    def row(self, i: int, key_score: float | None, key_rank: int | None) -> RankingRow:
        has_areas = self.area_scores is not None
        return RankingRow(
            code=self.codes[i],
            name=self.names[i],
            parent_name=self.parent_names[i],
            label=self.label(i),
            score=self.scores[i],
            rank=self.ranks[i],
            rank_low=self.rank_lows[i],
            rank_high=self.rank_highs[i],
            level=self.levels[i],
            level_by_score=self.bands[i],
            flags=self.flags[i],
            area_index=self.area_index if has_areas else None,
            area_scores=_scores(self.area_scores[i]) if has_areas else (),
            area_places=_places(self.area_ranks[i]) if has_areas else (),
            previous_score=self.previous_scores[i],
            previous_rank=self.previous_ranks[i],
            change=self.changes[i],
            change_rank=self.change_ranks[i],
            key_score=key_score,
            key_rank=key_rank,
        )

    def column(self, name: str, key_ranks: list) -> list | None:
        """A sortable table column's values per region (None for an unknown column)."""
        if name.startswith(AREA_PREFIX):
            return self.area_column(name.removeprefix(AREA_PREFIX))[0]
        if name == "rank_change":
            return [
                None if before is None or now is None else before - now
                for before, now in zip(self.previous_ranks, self.ranks, strict=True)
            ]
        if name == "level":
            return [None if level is None else level.order for level in self.levels]
        columns = {
            "rank": key_ranks,
            "change_rank": self.change_ranks,
            "region": self.codes,
            "parent": self.parent_names,
            "score": self.scores,
            "previous_score": self.previous_scores,
            "change": self.changes,
        }
        return columns.get(name)


def _scores(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # NaN → None


def _places(values: np.ndarray) -> list[int | None]:
    return [None if v < 0 else v for v in values.tolist()]


class RankingRows(Sequence[RankingRow]):
    """The rows of a ranking in display order, built from `columns` when read.

    `order` lists positions in `columns`; the keys are per position (`race_keys`). A row read
    twice is the same object (the table's page and the charts share them).
    """

    def __init__(
        self,
        columns: RegionColumns,
        order: list[int],
        keys: tuple[list, list],
        built: dict[int, RankingRow] | None = None,
    ):
        self.columns = columns
        self.order = order
        self.keys = keys
        self._built = {} if built is None else built

    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, index: int) -> RankingRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[RankingRow]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(i) for i in self.order[index]]
        return self._row(self.order[index])

    def __iter__(self) -> Iterator[RankingRow]:
        return map(self._row, self.order)

    def __repr__(self) -> str:
        return f"<RankingRows: {len(self)} of {len(self.columns)} regions>"

    def _row(self, i: int) -> RankingRow:
        row = self._built.get(i)
        if row is None:
            row = self._built[i] = self.columns.row(i, self.keys[0][i], self.keys[1][i])
        return row

    def reordered(self, order: list[int]) -> RankingRows:
        """The same rows (and keys) in another order."""
        return RankingRows(self.columns, order, self.keys, self._built)

    def in_race_order(self) -> RankingRows:
        """By the race's rank (regions without one last), then by code."""
        codes = self.columns.codes
        ranks = [math.inf if rank is None else rank for rank in self.keys[1]]
        order = sorted(self.order, key=codes.__getitem__)
        order.sort(key=ranks.__getitem__)  # stable: equal ranks stay by code
        return self.reordered(order)

    def for_race(self, query: RankingQuery) -> RankingRows:
        """These regions keyed and ordered for the race `query` asks for: new rows, so that
        the rows of this race keep their keys."""
        return RankingRows(self.columns, self.order, self.columns.race_keys(query)).in_race_order()

    def sorted_by(self, alias: str) -> RankingRows:
        """Sorted by one table column ("-" prefix: descending); regions without a value go
        last either way, and equal values keep the current order. Unknown columns change
        nothing."""
        descending = alias.startswith("-")
        values = self.columns.column(alias.lstrip("-"), self.keys[1])
        if values is None:
            return self
        present = [i for i in self.order if values[i] is not None]
        absent = [i for i in self.order if values[i] is None]
        present.sort(key=values.__getitem__, reverse=descending)
        return self.reordered(present + absent)
