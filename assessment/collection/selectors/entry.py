"""Reads for the entry form: a submission's indicators, values, evidence, comments and history.

`entry_page` runs a fixed number of queries (indicators, values, last round's values, evidence,
comments, recent history, last return), whatever the number of indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import (
    AuditAction,
    AuditEntry,
    Evidence,
    ReviewComment,
    Submission,
    SubmissionStatus,
    Value,
)
from assessment.collection.rules import Completeness, completeness, deadline_for, entry_lock
from assessment.collection.services.values import canonical, review_flag
from indicators.language import in_english
from indicators.models import Indicator, ValueType

HISTORY_ON_PAGE = 10  # the latest changes; the full history is one link away
YES = _("Yes")
NO = _("No")


class Absent(dict):
    """A dict that answers a missing key with "": the entry form's block asks every row for
    the errors and conflicts of every field, and on a plain dict each absent key makes the
    template engine raise and catch a KeyError (with Django's engine it was a third of the
    page's render time)."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass
class EntryRow:
    """One leaf indicator with what is stored for it (and, on a re-rendered form, what was
    typed, field errors and conflicts: filled in by
    `assessment.collection.forms.entry.bind_rows`)."""

    indicator: Indicator
    value: Decimal | None = None
    note: str = ""
    updated_by: str = ""
    updated_at: datetime | None = None
    fed_from: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    comments: list[ReviewComment] = field(default_factory=list)
    #: What the region reported for the same indicator (code and value type) in the round's
    #: previous round; None without one.
    previous: Decimal | None = None
    input_value: str = ""
    input_note: str = ""
    comment_draft: str = ""
    link_draft: str = ""
    errors: dict[str, list[str]] = field(default_factory=lambda: Absent())
    conflicts: dict[str, object] = field(default_factory=lambda: Absent())

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def is_fed(self) -> bool:
        return self.indicator.is_fed

    @property
    def value_text(self) -> str:
        return canonical(self.value)

    @cached_property
    def limits(self) -> dict[str, str]:
        """Bounds and review thresholds as plain text (100, not 1E+2) for the page and its JS;
        "" where the indicator has none."""
        ind = self.indicator
        fields = {
            "min": ind.min_value,
            "max": ind.max_value,
            "below": ind.review_below,
            "above": ind.review_above,
        }
        return {key: "" if value is None else canonical(value) for key, value in fields.items()}

    @cached_property
    def flag(self) -> str | None:
        return review_flag(self.indicator, self.value)

    @property
    def missing_evidence(self) -> bool:
        return self.indicator.evidence_required and not self.evidence

    @cached_property
    def rubric_levels(self) -> list[tuple[str, str]]:
        english = in_english()
        levels = []
        for number, text in enumerate(self.indicator.rubric or []):
            if isinstance(text, dict):
                text = (text.get("en") if english else None) or text.get("zh", "")
            levels.append((str(number), text))
        return levels

    @property
    def display_value(self) -> str:
        """The stored value as people read it: 是/否, L3, or the number."""
        return display_value(self.indicator, self.value)

    @property
    def previous_text(self) -> str:
        """Last round's value as people read it, with the unit of a number."""
        return display_value(self.indicator, self.previous, unit=True)

    @property
    def change_text(self) -> str:
        """This value less last round's ("+3.5", "-2", "±0"); "" for yes/no or either missing."""
        if self.value is None or self.previous is None:
            return ""
        if self.indicator.value_type == ValueType.YESNO:
            return ""
        change = self.value - self.previous
        return "±0" if change == 0 else f"{'+' if change > 0 else ''}{canonical(change)}"

    @property
    def rubric_text(self) -> str:
        if self.indicator.value_type != ValueType.RUBRIC or self.value is None:
            return ""
        levels = dict(self.rubric_levels)
        return levels.get(self.value_text, "")

    @property
    def is_choice(self) -> bool:
        return self.indicator.value_type in (ValueType.YESNO, ValueType.RUBRIC)


@dataclass
class EntryGroup:
    """A dimension (the leaves' parent) inside an area."""

    node: Indicator | None
    rows: list[EntryRow] = field(default_factory=list)


@dataclass
class EntryArea:
    node: Indicator | None
    groups: list[EntryGroup] = field(default_factory=list)


@dataclass
class EntryPage:
    submission: Submission
    areas: list[EntryArea]
    rows: list[EntryRow]
    completeness: Completeness
    lock: str | None
    deadline: datetime | None
    last_return: AuditEntry | None
    history: list[AuditEntry]
    not_applicable: list[str] = field(default_factory=list)  # leaves the region's level skips

    @property
    def editable(self) -> bool:
        return self.lock is None

    @property
    def commented(self) -> list[str]:
        """Codes of the indicators a reviewer commented on (shown with the return reason)."""
        return [row.code for row in self.rows if row.comments]


def display_value(indicator: Indicator, value: Decimal | None, *, unit: bool = False) -> str:
    """A raw value as people read it: 是/否, L3, or the number (with `unit`, its unit too);
    "" for none."""
    if value is None:
        return ""
    kind = indicator.value_type
    if kind == ValueType.YESNO:
        return str(YES if value == 1 else NO)
    if kind == ValueType.RUBRIC:
        return f"L{canonical(value)}"
    text = canonical(value)
    return f"{text} {indicator.unit}" if unit and indicator.unit else text


def previous_values(submission: Submission) -> dict[str, tuple[str, Decimal]]:
    """Leaf code → (value type, value) of what the region reported in the previous round, as
    approved there (one query; none without a previous round). The previous round may use
    another version of the system, so indicators are matched by code and the caller keeps a
    value only where the value types agree."""
    previous_id = submission.round.previous_id
    if previous_id is None:
        return {}
    rows = Value.objects.filter(
        submission__round_id=previous_id,
        submission__region_id=submission.region_id,
        submission__status=SubmissionStatus.APPROVED,
        value__isnull=False,
    ).values_list("indicator__code", "indicator__value_type", "value")
    return {code: (kind, value) for code, kind, value in rows}


def system_leaves(system_id: int, level: str | None = None) -> list[Indicator]:
    """The leaf indicators of a system, in form order (one query); with `level`, only those
    that apply to regions of that level (Indicator.applies_to)."""
    leaves = Indicator.objects.filter(system_id=system_id).exclude(value_type="").order_by("order")
    return [leaf for leaf in leaves if level is None or leaf.applies_to_level(level)]


def entry_page(*, submission: Submission) -> EntryPage:
    nodes = list(Indicator.objects.filter(system_id=submission.round.system_id).order_by("order"))
    by_id = {node.pk: node for node in nodes}
    level = submission.region.level
    rows = {
        node.pk: EntryRow(indicator=node)
        for node in nodes
        if node.is_leaf and node.applies_to_level(level)
    }
    for value in Value.objects.filter(submission=submission).select_related("updated_by"):
        row = rows.get(value.indicator_id)
        if row is not None:
            row.value, row.note, row.updated_at = value.value, value.note, value.updated_at
            row.fed_from = value.fed_from
            row.updated_by = value.updated_by.get_username() if value.updated_by else ""
    earlier = previous_values(submission)
    for row in rows.values():
        kind, value = earlier.get(row.code, ("", None))
        if kind == row.indicator.value_type:
            row.previous = value
    for evidence in Evidence.objects.filter(submission=submission).select_related("added_by"):
        if evidence.indicator_id in rows:
            rows[evidence.indicator_id].evidence.append(evidence)
    for comment in ReviewComment.objects.filter(submission=submission).select_related("author"):
        if comment.indicator_id in rows:
            rows[comment.indicator_id].comments.append(comment)
    for row in rows.values():
        row.input_value, row.input_note = row.value_text, row.note
    areas = _group(list(rows.values()), by_id)
    state = completeness(
        [row.indicator for row in rows.values()],
        {pk: row.value for pk, row in rows.items()},
        {pk: len(row.evidence) for pk, row in rows.items()},
    )
    history = list(
        AuditEntry.objects.filter(submission=submission).select_related("actor", "indicator")[
            :HISTORY_ON_PAGE
        ]
    )
    last_return = None
    if submission.status == SubmissionStatus.RETURNED:
        last_return = (
            AuditEntry.objects.filter(
                submission=submission, action=AuditAction.STATUS, new=SubmissionStatus.RETURNED
            )
            .select_related("actor")
            .first()
        )
    return EntryPage(
        submission=submission,
        areas=areas,
        rows=list(rows.values()),
        completeness=state,
        lock=entry_lock(submission, timezone.now()),
        deadline=deadline_for(submission),
        last_return=last_return,
        history=history,
        not_applicable=[
            node.code for node in nodes if node.is_leaf and not node.applies_to_level(level)
        ],
    )


def _group(rows: list[EntryRow], by_id: dict[int, Indicator]) -> list[EntryArea]:
    """Areas → dimensions → leaves, in the system's order (leaves may sit at any depth)."""
    areas: dict[int | None, EntryArea] = {}
    groups: dict[int | None, EntryGroup] = {}
    for row in rows:
        parent = by_id.get(row.indicator.parent_id)
        top = parent
        while top is not None and top.parent_id is not None:
            top = by_id.get(top.parent_id)
        area = areas.setdefault(top.pk if top else None, EntryArea(node=top))
        key = parent.pk if parent else None
        if key not in groups:
            groups[key] = EntryGroup(node=parent if parent is not top else None)
            area.groups.append(groups[key])
        groups[key].rows.append(row)
    return list(areas.values())


def audit_history(*, submission: Submission) -> list[AuditEntry]:
    """The whole trail of one submission, newest first (one query)."""
    return list(
        AuditEntry.objects.filter(submission=submission).select_related("actor", "indicator")
    )
