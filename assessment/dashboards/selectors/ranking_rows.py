"""What a ranking is made of: the query, its rows and the ranking itself.

No queries here; `selectors/ranking.py` reads the rows (held column by column in
`selectors/ranking_columns.py`). Split out so that both stay short and
an export (issue 6) can import the types without the reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from assessment.collection.models import Round
from assessment.results.models import ResultFlag
from assessment.results.selectors.nodes import LevelInfo, NodeInfo, SystemNodes

_NO_AREAS: Mapping[str, int] = MappingProxyType({})

RACE_SCORE = "score"
RACE_PROGRESS = "progress"
OVERALL = ""  # `rank_by` for the overall score
AREA_PREFIX = "area_"  # the table's area columns (and their sort aliases) are area_<code>
#: The trend and bump charts follow this many leaders of the race (plus a chosen region).
TREND_LEADERS = 5


class Comparison(StrEnum):
    """Whether the progress race (and every change column) can be shown, and if not, why."""

    OK = "ok"
    NONE = "none"  # the round names no previous round
    OTHER_SYSTEM = "other_system"  # ... or one scored with another indicator system
    NOT_COMPUTED = "not_computed"  # ... or one without results
    STALE = "stale"  # the previous round changed after this round was computed


@dataclass(frozen=True)
class RankingQuery:
    """What a ranking shows: built from the filter form (assessment/filters.py).

    level: peers are compared within one level only (city or county).
    parent: only the regions directly below this region (code).
    maturity: only regions at this maturity level (code).
    rank_by: "" for the overall score, or an area code: the level race by that area.
    race: "score" (level race) or "progress" (progress race).
    focus: a region (code) the trend charts follow besides the leaders.
    sort: a table column name, "-" prefixed for descending; "" keeps the race's order.
    """

    round: Round
    level: str
    parent: str | None = None
    maturity: str | None = None
    rank_by: str = OVERALL
    race: str = RACE_SCORE
    focus: str | None = None
    sort: str = ""


@dataclass(slots=True)
class RankingRow:
    """One region in a ranking; scores are as published (rounded to the round's precision)."""

    code: str
    name: str
    parent_name: str
    label: str  # unique among the rows: charts key their categories on it
    score: float | None
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    level: LevelInfo | None
    level_by_score: LevelInfo | None
    flags: int
    # The area scores and ranks, in the order `area_index` gives (area code → position; one
    # mapping shared by all rows of a ranking; None: no areas read).
    area_index: Mapping[str, int] | None = None
    area_scores: Sequence[float | None] = ()
    area_places: Sequence[int | None] = ()
    previous_score: float | None = None
    previous_rank: int | None = None
    change: float | None = None
    change_rank: int | None = None
    key_score: float | None = None  # what the race ranks: score, area score or change
    key_rank: int | None = None

    def area_score(self, code: str) -> float | None:
        """The published score of the area `code` (None: no score, or no such area)."""
        return self._of_area(self.area_scores, code)

    def area_rank(self, code: str) -> int | None:
        return self._of_area(self.area_places, code)

    @property
    def areas(self) -> dict[str, float | None]:
        """Area code → published score, as a new dict (for reading)."""
        return self._per_area(self.area_scores)

    @property
    def area_ranks(self) -> dict[str, int | None]:
        return self._per_area(self.area_places)

    def _of_area(self, values: Sequence, code: str):
        i = (self.area_index or _NO_AREAS).get(code)
        return None if i is None else values[i]

    def _per_area(self, values: Sequence) -> dict:
        return {code: values[i] for code, i in (self.area_index or _NO_AREAS).items()}

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous round (positive = moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def held_back(self) -> bool:
        """A gate kept the region below the level its score alone would reach."""
        return self.level_by_score is not None and self.level != self.level_by_score

    @property
    def missing(self) -> bool:
        return bool(self.flags & ResultFlag.MISSING)

    @property
    def imputed(self) -> bool:
        return bool(self.flags & ResultFlag.IMPUTED)

    @property
    def partial(self) -> bool:
        return bool(self.flags & ResultFlag.PARTIAL)


@dataclass(frozen=True)
class TrendPoint:
    round: Round
    score: float | None
    rank: int | None


@dataclass(frozen=True)
class Trend:
    code: str
    label: str
    points: tuple[TrendPoint, ...]
    focus: bool = False


@dataclass
class Ranking:
    query: RankingQuery
    precision: int
    change_precision: int
    nodes: SystemNodes
    levels: list[LevelInfo]
    rows: Sequence[RankingRow]  # after every filter, in the requested order (RankingRows)
    history: list[Round]  # comparable rounds up to this one, oldest first
    distribution: list[tuple[Round, dict[int | None, int]]]  # level pk (None: no score) → n
    trends: list[Trend]
    comparison: Comparison
    previous: Round | None

    @property
    def round(self) -> Round:
        return self.query.round

    @property
    def rank_by_node(self) -> NodeInfo | None:
        return next((a for a in self.nodes.areas if a.code == self.query.rank_by), None)

    @property
    def shows_intervals(self) -> bool:
        """Rank intervals exist for the overall score only."""
        return self.query.race == RACE_SCORE and self.rank_by_node is None
