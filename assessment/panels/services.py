"""Writing a panel: its cells, who scores them (by hand or automatically), the experts' levels,
how they combine, adjudication. Every step leaves a PanelEvent."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.core.bulk_sql import insert_rows
from assessment.panels import notices
from assessment.panels.models import (
    CellStatus,
    ExpertScore,
    Panel,
    PanelCell,
    PanelEvent,
    PanelExpert,
)
from assessment.regions.models import Membership, Region, subtree_prefix_for
from indicators.engine.panel_assignment import assign_experts
from indicators.engine.panel_scores import panel_level
from indicators.models import Indicator


class PanelError(Exception):
    """What the person asked cannot be done; the message says why."""


def panel_leaves(panel: Panel) -> list[Indicator]:
    """The panel's indicators, in form order."""
    return list(
        Indicator.objects.filter(system_id=panel.round.system_id, code__in=panel.indicator_codes)
        .exclude(value_type="")
        .order_by("order")
    )


def ensure_cells(panel: Panel) -> int:
    """A cell for every participating region × panel indicator that applies to its level and
    has none; how many new."""
    leaves = panel_leaves(panel)
    regions = list(panel.round.participating_regions().values_list("code", "level"))
    existing = set(PanelCell.objects.filter(panel=panel).values_list("region_id", "indicator_id"))
    new = [
        (panel.pk, code, leaf.pk, CellStatus.SCORING, False, "")
        for code, level in regions
        for leaf in leaves
        if leaf.applies_to_level(level) and (code, leaf.pk) not in existing
    ]
    # A national round has 30,000 cells or more: below the ORM (assessment/core/bulk_sql.py).
    insert_rows(PanelCell, ("panel", "region", "indicator", "status", "adjudicated", "reason"),
                new)  # fmt: skip
    return len(new)


def forbidden_prefixes(user, home_region_code: str | None) -> list[str]:
    """Code prefixes of the regions an expert may not score: their home region and everything
    below it, and every region they hold a role on (with its subtree)."""
    return seat_prefixes([user.pk], {user.pk: home_region_code})[user.pk]


def seat_prefixes(user_ids: list[int], homes: dict[int, str | None]) -> dict[int, list[str]]:
    """`forbidden_prefixes` of many experts in two queries."""
    found: dict[int, list[str]] = {user_id: [] for user_id in user_ids}
    rows = Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "region__code", "region__level"
    )
    levels = dict(
        Region.objects.filter(code__in=[c for c in homes.values() if c]).values_list(
            "code", "level"
        )
    )
    pairs = [*rows, *((u, c, levels[c]) for u, c in homes.items() if c and c in levels)]
    for user_id, code, level in pairs:
        found[user_id].append(subtree_prefix_for(code, level))
    return found


def may_score(prefixes: list[str], region_code: str) -> bool:
    return not any(region_code.startswith(prefix) for prefix in prefixes)


def codes_under(prefix: str, ordered_codes: list[str]) -> list[str]:
    """The codes of `ordered_codes` (sorted) that start with `prefix`: one contiguous run."""
    start = bisect_left(ordered_codes, prefix)
    end = bisect_left(ordered_codes, prefix + "\uffff")
    return ordered_codes[start:end]


Progress = Callable[[float, str], None]


def assign_automatically(panel: Panel, *, actor, on_step: Progress | None = None) -> int:
    """Give every cell fewer than `experts_per_cell` experts the missing ones: a cell with none
    gets `experts_per_cell`, one left short (assigned by hand, an expert removed, more experts
    per cell asked for since) the difference, never an expert already on it. Balanced load
    over the seats each expert holds in the panel, nobody on their own region, colleagues
    paired evenly (indicators.engine.panel_assignment). Experts already on a cell keep their
    seat and level; a cell decided without adjudication that gets a new expert is scored
    again, adjudicated cells are left alone. Each expert is told what they got. Returns how
    many cells got experts."""
    step = on_step or (lambda fraction, stage="": None)
    step(0.05, _("Creating the panel's cells"))
    ensure_cells(panel)
    experts = list(PanelExpert.objects.filter(panel=panel).select_related("user", "home_region"))
    per_cell = panel.experts_per_cell
    if len(experts) < per_cell:
        raise PanelError(
            _("The panel has %(experts)s experts; each cell needs %(needed)s.")
            % {"experts": len(experts), "needed": per_cell}
        )
    short = (
        PanelCell.objects.filter(panel=panel, adjudicated=False)
        .annotate(seats=Count("scores"))
        .filter(seats__lt=per_cell)
    )
    open_cells = list(short.order_by("region_id", "indicator__order")
                      .values_list("pk", "region_id", "seats"))  # fmt: skip
    if not open_cells:
        return 0
    step(0.2, _("Assigning experts"))
    position = {expert.user_id: e for e, expert in enumerate(experts)}
    taken: dict[int, list[int]] = defaultdict(list)
    loads = [0] * len(experts)
    if any(seats for _pk, _code, seats in open_cells):
        partial = ExpertScore.objects.filter(cell__in=short.filter(seats__gt=0).values("pk"))
        for cell_id, user_id in partial.values_list("cell_id", "expert_id"):
            if user_id in position:  # (an expert no longer on the panel still fills the seat)
                taken[cell_id].append(position[user_id])
        held = ExpertScore.objects.filter(cell__panel=panel).values_list("expert_id")
        for user_id, count in held.annotate(n=Count("pk")).values_list("expert_id", "n"):
            if user_id in position:
                loads[position[user_id]] = count
    codes = sorted({code for _pk, code, _seats in open_cells})
    prefixes = seat_prefixes([e.user_id for e in experts],
                             {e.user_id: e.home_region_id for e in experts})  # fmt: skip
    under = {p: codes_under(p, codes) for p in {p for ps in prefixes.values() for p in ps}}
    forbidden = [
        {code for prefix in prefixes[expert.user_id] for code in under[prefix]}
        for expert in experts
    ]
    try:
        chosen = assign_experts(
            [code for _pk, code, _seats in open_cells], forbidden, per_cell, seed=panel.pk,
            need=[per_cell - seats for _pk, _code, seats in open_cells],
            taken=[taken.get(pk, ()) for pk, _code, _seats in open_cells],
            initial_load=loads,
        )  # fmt: skip
    except ValueError as error:
        raise PanelError(
            _("The cells cannot all be staffed: %(error)s") % {"error": error}
        ) from error
    step(0.7, _("Saving the assignment"))
    topped = [pk for pk, _code, seats in open_cells if seats]
    given = Counter(experts[e].user_id for picked in chosen.values() for e in picked)
    with transaction.atomic():
        insert_rows(
            ExpertScore,
            ("cell", "expert", "justification", "version"),
            (
                (open_cells[index][0], experts[e].user_id, "", 0)
                for index, picked in chosen.items()
                for e in picked
            ),
        )
        for start in range(0, len(topped), 500):  # the new experts have not scored yet
            _reopen(PanelCell.objects.filter(panel=panel, pk__in=topped[start : start + 500]))
        PanelEvent.objects.create(
            panel=panel, actor=actor, action=PanelEvent.Action.ASSIGNED,
            text=_("%(cells)s cells assigned automatically to %(experts)s experts (%(empty)s "
                   "had none; %(short)s topped up to %(per_cell)s experts each).")
            % {"cells": len(open_cells), "experts": len(experts),
               "empty": len(open_cells) - len(topped), "short": len(topped),
               "per_cell": per_cell},
        )  # fmt: skip
        notices.on_assigned(panel, dict(given))
    return len(open_cells)


def _reopen(cells) -> int:
    """Cells with an expert still to score go back to scoring, unless adjudicated (an
    adjudicated level is final)."""
    unscored = ExpertScore.objects.filter(cell=OuterRef("pk"), level__isnull=True)
    return (
        cells.filter(adjudicated=False, status__in=[CellStatus.FINAL, CellStatus.ADJUDICATION])
        .filter(Exists(unscored))
        .update(status=CellStatus.SCORING, final_level=None, decided_at=None)
    )


def assign_by_hand(panel: Panel, *, expert: PanelExpert, region_code: str,
                   indicator_codes: list[str], actor) -> int:  # fmt: skip
    """Add `expert` to the cells of the regions under `region_code` × the indicators (all
    panel indicators when empty) that still lack experts; how many cells. The expert is told
    (one notification for them all)."""
    ensure_cells(panel)
    prefixes = forbidden_prefixes(expert.user, expert.home_region_id)
    region = Region.objects.get(code=region_code)
    cells = PanelCell.objects.filter(panel=panel, region__code__startswith=region.subtree_prefix)
    if indicator_codes:
        cells = cells.filter(indicator__code__in=indicator_codes)
    added = 0
    with transaction.atomic():
        for cell in cells.select_for_update().prefetch_related("scores"):
            seats = [score.expert_id for score in cell.scores.all()]
            if (
                expert.user_id in seats
                or len(seats) >= panel.experts_per_cell
                or not may_score(prefixes, cell.region_id)
            ):
                continue
            ExpertScore.objects.create(cell=cell, expert=expert.user)
            if cell.status == CellStatus.FINAL and not cell.adjudicated:
                cell.status, cell.final_level, cell.decided_at = CellStatus.SCORING, None, None
                cell.save(update_fields=["status", "final_level", "decided_at"])
            added += 1
        if added:
            PanelEvent.objects.create(
                panel=panel, actor=actor, action=PanelEvent.Action.ASSIGNED,
                text=_("%(expert)s assigned by hand to %(cells)s cells under %(region)s.")
                % {"expert": expert.user.get_username(), "cells": added, "region": region_code},
            )  # fmt: skip
            notices.on_assigned(panel, {expert.user_id: added})
    return added


@dataclass(frozen=True)
class Scored:
    saved: bool  # False: someone changed the score meanwhile (the page was stale)
    status: str  # the cell's status afterwards


def score_cell(score: ExpertScore, *, level: int, justification: str, version: int,
               actor) -> Scored:  # fmt: skip
    """Store an expert's level (compare-and-set on the version the page showed), then combine
    the cell's levels when every expert has scored."""
    with transaction.atomic():
        cell = PanelCell.objects.select_for_update().get(pk=score.cell_id)
        current = ExpertScore.objects.get(pk=score.pk)
        if current.version != version:
            return Scored(False, cell.status)
        if cell.adjudicated:
            raise PanelError(_("This cell was adjudicated: its level is final."))
        current.level, current.justification = level, justification
        current.scored_at, current.version = timezone.now(), current.version + 1
        current.save()
        PanelEvent.objects.create(
            panel_id=cell.panel_id, cell=cell, actor=actor, action=PanelEvent.Action.SCORED,
            level=level, text=justification,
        )  # fmt: skip
        combine(cell, actor=actor)
    return Scored(True, cell.status)


def combine(cell: PanelCell, *, actor) -> None:
    """Once every expert of the cell has scored: the rule's level, or adjudication when the
    levels are `spread` or more apart. Call inside the transaction that locked the cell."""
    panel = Panel.objects.get(pk=cell.panel_id)
    levels = list(cell.scores.values_list("level", flat=True))
    if not levels or any(level is None for level in levels):
        cell.status, cell.final_level, cell.decided_at = CellStatus.SCORING, None, None
    else:
        outcome = panel_level(levels, panel.rule, spread=panel.spread)
        if outcome.needs_adjudication:
            cell.status, cell.final_level, cell.decided_at = CellStatus.ADJUDICATION, None, None
        else:
            cell.status, cell.final_level = CellStatus.FINAL, outcome.level
            cell.decided_at = timezone.now()
            PanelEvent.objects.create(
                panel_id=cell.panel_id, cell=cell, actor=actor,
                action=PanelEvent.Action.COMBINED, level=outcome.level,
                text=f"{panel.get_rule_display()}: {sorted(levels)}",
            )  # fmt: skip
    cell.save(update_fields=["status", "final_level", "decided_at"])


def adjudicate(cell: PanelCell, *, level: int, reason: str, actor) -> None:
    """The adjudicator's level is final, with the reason (all levels must be in)."""
    with transaction.atomic():
        locked = PanelCell.objects.select_for_update().get(pk=cell.pk)
        if locked.status == CellStatus.SCORING:
            raise PanelError(_("Not every expert has scored this cell yet."))
        locked.status, locked.final_level, locked.adjudicated = CellStatus.FINAL, level, True
        locked.adjudicated_by, locked.reason, locked.decided_at = actor, reason, timezone.now()
        locked.save()
        PanelEvent.objects.create(
            panel_id=locked.panel_id, cell=locked, actor=actor,
            action=PanelEvent.Action.ADJUDICATED, level=level, text=reason,
        )  # fmt: skip
