"""Words the reports share with the pages: level names, flags, races, value types."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from assessment.dashboards.flags import data_flags
from assessment.dashboards.selectors.ranking import OVERALL, RACE_PROGRESS
from assessment.dashboards.selectors.reports import Section
from assessment.regions.models import RegionLevel
from assessment.results.models import Standing
from assessment.results.selectors.nodes import LevelInfo
from indicators.models import ValueType

DASH = "–"

#: Sheet names (the context keeps them apart from the same words elsewhere on the pages).
SHEETS = {
    "overview": pgettext_lazy("sheet", "Overview"),
    "ranking": pgettext_lazy("sheet", "Ranking"),
    "dimensions": pgettext_lazy("sheet", "Dimension scores"),
    "leaves": pgettext_lazy("sheet", "Indicator scores"),
    "raw": pgettext_lazy("sheet", "Raw data"),
    "value_notes": pgettext_lazy("sheet", "Notes on values"),
    "charts": pgettext_lazy("sheet", "Charts"),
    "notes": pgettext_lazy("sheet", "Notes"),
    "levels": pgettext_lazy("sheet", "Levels and references"),
    "peers": pgettext_lazy("sheet", "Against the peers"),
    "extremes": pgettext_lazy("sheet", "Strengths and weaknesses"),
    "history": pgettext_lazy("sheet", "History"),
    "tasks": pgettext_lazy("sheet", "Rectification tasks"),
    "verification": pgettext_lazy("sheet", "Verification"),
    "appeals": pgettext_lazy("sheet", "Appeals"),
    "departments": pgettext_lazy("sheet", "Departments"),
}


def sheet(key: str) -> str:
    return str(SHEETS[key])


def level_name(level: str) -> str:
    return str(dict(RegionLevel.choices).get(level, level))


def flags_text(row) -> str:
    """The page's data badges as words, plus a gate that holds the level back."""
    words = [str(word) for _css, word, _title in data_flags(row)]
    if getattr(row, "held_back", False):  # overall standings; node scores have no gates
        words.append(
            _("held back by a gate (the score alone reaches %(level)s)")
            % {"level": row.maturity_by_score.code}
        )
    return "；".join(words)


def level_label(level: LevelInfo | None) -> str:
    return level.label if level is not None else _("no score")


def interval(row: Standing) -> str:
    if row.rank_low is None or row.rank_high is None:
        return ""
    return f"{row.rank_low}–{row.rank_high}"


def rank_header(section: Section) -> str:
    """What the first column ranks: the overall score, an area, or the change."""
    race = section.race
    if race.race == RACE_PROGRESS:
        return _("Progress rank")
    if race.rank_by != OVERALL:
        return _("Rank by %(area)s") % {"area": race.rank_by}
    return _("Rank")


def race_name(section: Section) -> str:
    if section.race.race == RACE_PROGRESS:
        return _("Progress race (change)")
    node = section.rank_by_node
    if node is not None:
        return _("Level race by %(area)s") % {"area": f"{node.code} {node.name}"}
    return _("Level race (overall score)")


def raw_value(value: Decimal | float | None, value_type: str):
    """A raw value as a reader expects it: 是/否, L0–L5, or the number."""
    return raw_value_converter(value_type)(value)


def raw_value_converter(value_type: str) -> Callable[[Decimal | float | None], object]:
    """`raw_value` for one value type, its labels translated once: the raw-data sheet of a
    national report converts 138,000 values."""
    if value_type == ValueType.YESNO:
        yes, no = _("Yes"), _("No")
        return lambda value: None if value is None else yes if value else no
    if value_type == ValueType.RUBRIC:
        return lambda value: None if value is None else f"L{int(value)}"
    return _number


def _number(value: Decimal | float | None) -> int | float | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def local_datetime(value) -> str:
    """A moment as the reader's clock shows it (Asia/Shanghai), or a dash."""
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else DASH


def scope_text(report) -> str:
    """What a report covers, in words: its area and region levels (杭州市 · 市级、县级)."""
    levels = "、".join(level_name(section.level) for section in report.sections)
    return f"{report.scope_name} · {levels}"


def print_header(report) -> str:
    """The running header of a round report's pages: the round and the scope exported."""
    return f"{report.round.name} · {scope_text(report)}"


def section_title(section: Section) -> str:
    """The title of one region level's part of a sheet: 县级（90 个地区）."""
    return _("%(level)s (%(count)s regions)") % {
        "level": level_name(section.level),
        "count": len(section.rows),
    }
