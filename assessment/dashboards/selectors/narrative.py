"""The 总体情况 narrative: a few sentences a leader reads first, written for it, with the
report's numbers put in.

Pure: the builders take plain numbers (`LevelFigures`, `RectificationFigures`, filled by
`selectors/summary.py`) and return translated sentences; no database, no report objects. Each
sentence is one msgid whose Chinese translation is the whole sentence, so the translator writes
Chinese sentences, not fragments glued together. Derived statistics (means, medians, changes)
are given to one decimal (`STAT_DECIMALS`), shares as percentages to one decimal; the key
figures table of the sheet shows them with the same number of decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

#: Decimals of derived statistics (mean, median, mean change, area means) in text and table.
STAT_DECIMALS = 1

#: The regions of a level as a count names them: "90 个县（市、区）".
LEVEL_NOUNS = {
    "province": pgettext_lazy("narrative", "provinces"),
    "city": pgettext_lazy("narrative", "cities"),
    "county": pgettext_lazy("narrative", "counties"),
}

#: The whole scope of a round, by the scope region's level (None: a national round).
SCOPE_WORDS = {
    None: pgettext_lazy("narrative scope", "nationwide"),
    "province": pgettext_lazy("narrative scope", "province-wide"),
    "city": pgettext_lazy("narrative scope", "city-wide"),
    "county": pgettext_lazy("narrative scope", "county-wide"),
}
#: The scope when a filter (a maturity level) chose the regions.
FILTERED = pgettext_lazy("narrative scope", "the selected")


@dataclass(frozen=True)
class Named:
    """A region, area, dimension or indicator with the number the sentence gives for it."""

    name: str
    value: float


@dataclass(frozen=True)
class Change:
    """The comparison with the previous comparable round (only when the report allows it)."""

    period: str  # the previous round's period, e.g. "2024"
    mean: float  # mean change of the regions scored in both rounds
    up: int  # regions whose score rose
    down: int  # ... fell


@dataclass(frozen=True)
class LevelFigures:
    """The key figures of one region level of a report."""

    level: str  # RegionLevel value
    scope: str  # who the figures cover, as words: "全省", "杭州市", "筛选出的"
    regions: int  # regions of the level in the report
    scored: int  # ... with an overall score
    mean: float | None = None
    median: float | None = None
    change: Change | None = None  # None: no comparable previous round
    level_code: str = "L3"  # the maturity level counted "and above"
    at_or_above: int = 0
    share: float | None = None  # at_or_above / scored (0–1)
    best_region: Named | None = None
    worst_region: Named | None = None
    best_area: Named | None = None
    worst_area: Named | None = None
    best_dimension: Named | None = None
    worst_dimension: Named | None = None
    line: float = 60.0  # the rectification line (Round.task_threshold)
    weak_indicators: int = 0  # indicators where most scored regions fall below the line
    weakest_indicator: Named | None = None  # the one with the largest share below (0–1)


@dataclass(frozen=True)
class RectificationFigures:
    notices: int
    closed: int  # notices closed (已销号): every item verified
    tasks: int
    complete: int  # tasks done or verified
    verified: int
    overdue: int


def number(value: float, decimals: int = STAT_DECIMALS) -> str:
    """A statistic as the text gives it: 72.4 (never -0.0)."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def percent(share: float) -> str:
    """A share (0–1) as a percentage to one decimal: 64.4%."""
    return f"{share * 100:.1f}%"


def line_text(line: float) -> str:
    """The rectification line as written: 60, or 62.5."""
    return f"{line:g}"


def paragraph(sentences: list[str]) -> str:
    """Sentences as one paragraph: Chinese ones run on, others are spaced."""
    out = ""
    for sentence in sentences:
        out += " " + sentence if out and out[-1].isascii() else sentence
    return out


def level_sentences(figures: LevelFigures) -> list[str]:
    """The sentences about one level: size and scores, the change, the maturity levels, the
    best and worst regions, areas and dimensions, and the common weak indicators."""
    f = figures
    noun = str(LEVEL_NOUNS.get(f.level, f.level))
    if not f.scored or f.mean is None or f.median is None:
        return [
            _("%(scope)s %(count)s %(regions)s in this report: none has a score yet.")
            % {"scope": f.scope, "count": f.regions, "regions": noun}
        ]
    out = [
        _(
            "%(scope)s %(count)s %(regions)s score %(mean)s points on average "
            "(median %(median)s points)."
        )
        % {
            "scope": f.scope,
            "count": f.scored,
            "regions": noun,
            "mean": number(f.mean),
            "median": number(f.median),
        }
    ]
    if f.regions > f.scored:
        out.append(_("%(count)s more have no score.") % {"count": f.regions - f.scored})
    if f.change is not None:
        out.append(_change_sentence(f.change))
    if f.share is not None:
        out.append(
            _("%(count)s reach %(level)s or above, %(share)s of them.")
            % {"count": f.at_or_above, "level": f.level_code, "share": percent(f.share)}
        )
    if f.best_region and f.worst_region and f.scored > 1:
        out.append(
            _(
                "The highest score is %(best)s's (%(best_score)s points), the lowest "
                "%(worst)s's (%(worst_score)s points)."
            )
            % _pair(f.best_region, f.worst_region)
        )
    if f.best_area and f.worst_area and f.best_area.name != f.worst_area.name:
        out.append(
            _(
                "Of the areas, %(best)s scores highest on average (%(best_score)s points) "
                "and %(worst)s lowest (%(worst_score)s points)."
            )
            % _pair(f.best_area, f.worst_area)
        )
    if f.best_dimension and f.worst_dimension and f.best_dimension.name != f.worst_dimension.name:
        out.append(
            _(
                "Of the dimensions, %(best)s scores highest on average (%(best_score)s "
                "points) and %(worst)s lowest (%(worst_score)s points)."
            )
            % _pair(f.best_dimension, f.worst_dimension)
        )
    out.append(_weak_sentence(f))
    return out


def _pair(best: Named, worst: Named) -> dict[str, str]:
    return {
        "best": best.name,
        "best_score": number(best.value),
        "worst": worst.name,
        "worst_score": number(worst.value),
    }


def _change_sentence(change: Change) -> str:
    values = {
        "period": change.period,
        "change": number(abs(change.mean)),
        "up": change.up,
        "down": change.down,
    }
    rounded = round(change.mean, STAT_DECIMALS)
    if rounded > 0:
        text = _(
            "Against the previous round (%(period)s) the mean score rose by %(change)s "
            "points; %(up)s regions scored higher and %(down)s lower."
        )
    elif rounded < 0:
        text = _(
            "Against the previous round (%(period)s) the mean score fell by %(change)s "
            "points; %(up)s regions scored higher and %(down)s lower."
        )
    else:
        text = _(
            "Against the previous round (%(period)s) the mean score held steady; "
            "%(up)s regions scored higher and %(down)s lower."
        )
    return text % values


def _weak_sentence(f: LevelFigures) -> str:
    line = line_text(f.line)
    if f.weak_indicators and f.weakest_indicator is not None:
        return _(
            "In %(count)s indicators most regions score below the rectification line "
            "(%(line)s points); the widest gap is %(name)s, where %(share)s of the regions "
            "fall below it."
        ) % {
            "count": f.weak_indicators,
            "line": line,
            "name": f.weakest_indicator.name,
            "share": percent(f.weakest_indicator.value),
        }
    return _(
        "In no indicator do most regions score below the rectification line (%(line)s points)."
    ) % {"line": line}


def rectification_sentence(figures: RectificationFigures) -> str:
    """The rectification status in one sentence (only when there are tasks)."""
    f = figures
    return _(
        "%(notices)s rectification notices were issued and %(closed)s of them closed; of "
        "their %(tasks)s items %(complete)s are done (%(rate)s), %(verified)s verified, and "
        "%(overdue)s overdue."
    ) % {
        "notices": f.notices,
        "closed": f.closed,
        "tasks": f.tasks,
        "complete": f.complete,
        "rate": percent(f.complete / f.tasks) if f.tasks else percent(0),
        "verified": f.verified,
        "overdue": f.overdue,
    }
