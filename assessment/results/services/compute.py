"""Round compute: read a round's values in one query, run the engine once, replace its Results.

Results are what every dashboard and report reads; they are written in bulk inside one
transaction, so a failure half-way leaves the previous results untouched and a recompute never
duplicates rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.collection.models import Round, Submission, SubmissionStatus, Value
from assessment.panels.scored_values import PanelInput, panel_input
from assessment.regions.models import Region, RegionLevel
from assessment.results.models.results import ResultKind
from assessment.results.models.standings import AREA_SLOTS
from assessment.results.services.applicability import not_applicable_mask, unflag_not_applicable
from assessment.results.services.classes import RoundClasses, grouping_name, round_classes
from assessment.results.services.exemptions import exempt_mask
from assessment.results.services.peer_stats import peer_stat_rows, replace_peer_stats
from assessment.results.services.result_writer import ResultRows, write_results
from assessment.results.services.standings import (
    Overall,
    StandingInput,
    Verified,
    comparable_previous,
    progress,
    refresh_successors,
    replace_standings,
    stored_overall,
)
from assessment.verification.models import Verification
from assessment.verification.overstatement import penalties
from assessment.verification.selectors import required_coverage
from indicators.engine import (
    OVERALL,
    Bands,
    Flag,
    Goalposts,
    LeafGate,
    Level,
    Node,
    Options,
    PeerPercentile,
    Rubric,
    Tree,
    YesNo,
    compute,
    sensitivity,
)
from indicators.models import Indicator, IndicatorSystem, MaturityLevel, ScoringRule

#: Told (fraction done, what is being done) as each stage starts.
Progress = Callable[[float, str], None]

PEER_GROUP = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}


class ComputeError(ValueError):
    """The round cannot be computed as it stands (message says why, for the user)."""


@dataclass(frozen=True)
class SystemModel:
    """The engine tree of an indicator system plus the database ids its columns map to."""

    tree: Tree
    indicator_ids: tuple[int | None, ...]  # per tree column; None for OVERALL
    kinds: tuple[int, ...]  # ResultKind per tree column
    level_ids: tuple[int, ...]  # MaturityLevel id per engine level index
    area_columns: tuple[int, ...]  # the tree column of each area, in the system's order
    applies_to: dict[str, tuple[str, ...]]  # leaf code -> levels it applies to (absent: all)


@dataclass
class ComputeReport:
    round: Round
    regions: int
    values: int
    results: int
    seconds: dict[str, float] = field(default_factory=dict)
    outliers: list[dict] = field(default_factory=list)


def rule_for(indicator: Indicator):
    """The engine rule for a leaf, from its stored scoring fields."""
    higher = indicator.direction == 1
    if indicator.rule == ScoringRule.GOALPOSTS:
        return Goalposts(float(indicator.floor), float(indicator.target))
    if indicator.rule == ScoringRule.BANDS:
        pairs = sorted((float(t), float(s)) for t, s in indicator.bands)
        return Bands(
            thresholds=tuple(t for t, _score in pairs[1:]),
            scores=tuple(s for _threshold, s in pairs),
            higher_is_better=higher,
        )
    if indicator.rule == ScoringRule.RUBRIC:
        return Rubric()
    if indicator.rule == ScoringRule.YESNO:
        return YesNo()
    if indicator.rule == ScoringRule.PEER_PERCENTILE:
        return PeerPercentile(higher_is_better=higher)
    raise ComputeError(f"{indicator.code}: unknown scoring rule {indicator.rule!r}")


def system_model(system: IndicatorSystem) -> SystemModel:
    """Build the engine tree for a system (three queries: indicators, levels, gates)."""
    indicators = list(system.indicators.select_related("parent").order_by("order", "code"))
    parents = {i.parent_id for i in indicators if i.parent_id}
    nodes = [
        Node(
            code=i.code,
            parent=i.parent.code if i.parent_id else None,
            weight=float(i.weight),
            order=i.order,
            rule=None if i.pk in parents else rule_for(i),
            name=i.name_zh,
        )
        for i in indicators
    ]
    db_levels = list(
        MaturityLevel.objects.filter(system=system)
        .order_by("order")
        .prefetch_related("gates__indicator")
    )
    levels = [
        Level(
            code=level.code,
            min_score=float(level.min_score),
            min_area=None if level.gate_min_area is None else float(level.gate_min_area),
            leaf_gates=tuple(
                LeafGate(gate.indicator.code, float(gate.min_score)) for gate in level.gates.all()
            ),
            name=level.name_zh,
        )
        for level in db_levels
    ]
    tree = Tree(nodes, levels)
    by_code = {i.code: i for i in indicators}
    ids, kinds = [], []
    for code in tree.columns:
        if code == OVERALL:
            ids.append(None)
            kinds.append(ResultKind.OVERALL)
            continue
        indicator = by_code[code]
        ids.append(indicator.pk)
        if indicator.pk not in parents:
            kinds.append(ResultKind.LEAF)
        else:
            kinds.append(ResultKind.AREA if indicator.depth == 0 else ResultKind.DIMENSION)
    areas = [i.pk for i in indicators if i.parent_id is None]  # ordered as the pages list them
    if len(areas) > AREA_SLOTS:
        raise ComputeError(f"the indicator system has {len(areas)} areas; rankings show at most "
                           f"{AREA_SLOTS}")  # fmt: skip
    applies_to = {i.code: tuple(i.applies_to) for i in indicators if i.applies_to}
    return SystemModel(tree, tuple(ids), tuple(kinds), tuple(level.pk for level in db_levels),
                       tuple(ids.index(pk) for pk in areas), applies_to)  # fmt: skip


def _finite_or_none(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 4)


def _outlier_note(record) -> dict:
    """What the outlier treatment did to one indicator, as JSON for the methodology record."""
    return {
        "indicator": record.code,
        "peer_group": int(record.group),
        "action": record.action,
        "steps": record.steps,
        "values_replaced": len(record.rows),
        "skew_before": _finite_or_none(record.skew_before),
        "kurt_before": _finite_or_none(record.kurt_before),
        "skew_after": _finite_or_none(record.skew_after),
        "kurt_after": _finite_or_none(record.kurt_after),
        "passed": bool(record.passed),
    }


def round_options(round_: Round) -> Options:
    try:
        return Options.from_dict(round_.method or {})
    except (TypeError, ValueError) as error:
        raise ComputeError(f"the round's methodology options are invalid: {error}") from error


@dataclass(frozen=True)
class RawValues:
    """(regions × leaves) raw values of a round's approved submissions, NaN where missing:
    `values` as scored (verified where verified), `own` as the regions reported them."""

    values: np.ndarray
    own: np.ndarray

    @property
    def count(self) -> int:
        return int(np.isfinite(self.values).sum())

    def corrected(self) -> np.ndarray:
        """Per region, how many values verification changed (a value added counts too)."""
        same = (self.values == self.own) | (np.isnan(self.values) & np.isnan(self.own))
        return (~same).sum(axis=1)


def load_raw(round_: Round, tree: Tree, regions: list[Region]) -> RawValues:
    """The raw values of approved submissions, verified and self-reported (two queries).

    Raw SQL with the value cast to a float in the database: building 138,000 Decimal objects
    only to turn them into floats would cost more than the engine run.
    """
    row_of = {region.code: i for i, region in enumerate(regions)}
    col_of = {
        pk: tree.leaf_codes.index(code)
        for pk, code in round_.system.indicators.filter(code__in=tree.leaf_codes).values_list(
            "pk", "code"
        )
    }
    raw = np.full((len(regions), len(tree.leaf_codes)), np.nan)
    own = raw.copy()
    value_table = Value._meta.db_table
    submission_table = Submission._meta.db_table
    verification_table = Verification._meta.db_table
    # A verified value (核验) replaces the region's own: the verifier stood behind it or
    # corrected it. A correction of a value the region left empty is read by the second query.
    queries = (
        f"SELECT s.region_id, v.indicator_id, CAST(v.value AS DOUBLE PRECISION), "
        f"CAST(COALESCE(c.verified_value, v.value) AS DOUBLE PRECISION) "
        f"FROM {value_table} v JOIN {submission_table} s ON s.id = v.submission_id "
        f"LEFT JOIN {verification_table} c "
        f"ON c.submission_id = v.submission_id AND c.indicator_id = v.indicator_id "
        f"WHERE s.round_id = %s AND s.status = %s AND COALESCE(c.verified_value, v.value) "
        f"IS NOT NULL",
        f"SELECT s.region_id, c.indicator_id, NULL, "
        f"CAST(c.verified_value AS DOUBLE PRECISION) "
        f"FROM {verification_table} c JOIN {submission_table} s ON s.id = c.submission_id "
        f"WHERE s.round_id = %s AND s.status = %s AND c.self_value IS NULL "
        f"AND c.verified_value IS NOT NULL",
    )
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query, [round_.pk, SubmissionStatus.APPROVED])
            while batch := cursor.fetchmany(20_000):
                for region_code, indicator_id, self_value, value in batch:
                    i, j = row_of.get(region_code), col_of.get(indicator_id)
                    if i is not None and j is not None:
                        raw[i, j] = value
                        if self_value is not None:
                            own[i, j] = self_value
    return RawValues(raw, own)


def compute_round(
    *, round_: Round, with_sensitivity: bool = True, on_step: Progress | None = None
) -> ComputeReport:
    """Score every participating region of the round and replace its Results atomically.

    `on_step(fraction, stage)` is told each stage before it starts, outside the transaction
    (a background job's progress; it may raise to stop the computation before anything is
    written)."""
    step = on_step or _silent
    clock = time.perf_counter
    started = clock()
    coverage = required_coverage(round_)
    if coverage is not None and coverage.missing:
        raise ComputeError(
            _("%(missing)s values of %(regions)s regions that the round requires verified are "
              "not verified yet (verification queue).")
            % {"missing": f"{coverage.missing:,}", "regions": coverage.regions_left}
        )  # fmt: skip
    panel = panel_input(round_)
    if panel is not None and (panel.open_cells or panel.disputed):
        raise ComputeError(
            _("%(open)s expert-panel cells of approved regions are still being scored and "
              "%(disputed)s wait for adjudication (expert panel page).")
            % {"open": f"{panel.open_cells:,}", "disputed": f"{panel.disputed:,}"}
        )  # fmt: skip
    step(0.02, _("Reading the approved values"))
    model = system_model(round_.system)
    options = round_options(round_)
    regions = list(round_.participating_regions().order_by("code"))
    if not regions:
        raise ComputeError("the round has no participating regions")
    values = load_raw(round_, model.tree, regions)
    panel_levels = apply_panel(panel, model.tree, regions, values)
    raw, value_count = values.values, values.count
    # The progress race compares with the previous round's stored overall results.
    previous = comparable_previous(round_)
    previous_overall = stored_overall(previous) if previous else None
    read_done = clock()
    step(0.2, _("Scoring and ranking"))

    # Overstated values (虚报) lose their score as the round's verification policy says.
    factors, overstated = penalties(round_, list(model.tree.leaf_codes), [r.code for r in regions])
    # Accepted appeals may take an indicator out of a region's score (申诉豁免).
    exempt, exempted = exempt_mask(round_, list(model.tree.leaf_codes), [r.code for r in regions])
    # An indicator that does not apply to a region's level is taken out of its score exactly
    # as an exemption is: not scored, its siblings' weights re-scaled (METHODOLOGY.md).
    not_applicable = not_applicable_mask(model.applies_to, model.tree.leaf_codes, regions)
    appeal_exempt = exempt
    if not_applicable is not None:
        exempt = not_applicable if exempt is None else exempt | not_applicable
    peers = np.array([PEER_GROUP[r.level] for r in regions])
    parent_keys: dict[tuple[int, str | None], int] = {}
    parents = np.array(
        [
            parent_keys.setdefault((PEER_GROUP[r.level], r.parent_id), len(parent_keys))
            for r in regions
        ]
    )
    classes = round_classes(round_, [r.code for r in regions])
    groupings = {"parent": parents, **classes.groupings([r.level for r in regions])}
    try:
        outcome = compute(
            model.tree, raw, peers, options, rank_groups=groupings, penalties=factors,
            exempt=exempt,
        )  # fmt: skip
    except ValueError as error:  # e.g. a rubric level of 2.5 slipped past entry validation
        raise ComputeError(str(error)) from error
    unflag_not_applicable(model.tree, outcome.flags, not_applicable, appeal_exempt)
    verified = verification_effect(model.tree, values, peers, options, outcome, exempt)
    compute_done = clock()
    codes = [r.code for r in regions]
    rows = ResultRows.from_outcome(
        round_id=round_.pk,
        region_codes=codes,
        outcome=outcome,
        indicator_ids=model.indicator_ids,
        kinds=model.kinds,
        level_ids=model.level_ids,
    )
    outliers = [_outlier_note(record) for record in outcome.outliers]
    peer_stats = peer_stat_rows(
        round_id=round_.pk,
        region_codes=codes,
        peers=peers,
        scores=outcome.scores,
        indicator_ids=model.indicator_ids,
        kinds=model.kinds,
    )
    overall = Overall(
        round_id=round_.pk,
        precision=options.precision,
        codes=codes,
        scores=outcome.overall,
        ranks=outcome.ranks["peer"][:, -1],
    )
    race = progress(current=overall, previous=previous_overall, peers=peers) if previous else None
    wanted = with_sensitivity and bool(np.isfinite(outcome.overall).any())
    step(0.5, _("Rank intervals and writing the results") if wanted else _("Writing the results"))
    # The Monte Carlo rank intervals (pure NumPy, mostly outside the GIL) run in a second
    # thread while this one writes the node rows; only the overall rows wait for them.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = (
            pool.submit(
                sensitivity, model.tree, raw, peers, options, penalties=factors, exempt=exempt
            )
            if wanted
            else None
        )
        with transaction.atomic():
            # One writer per round at a time: the lock makes delete-then-insert safe without
            # a unique index (see Result.Meta).
            Round.objects.select_for_update().filter(pk=round_.pk).exists()
            written = write_results(
                round_id=round_.pk,
                rows=rows,
                intervals=(lambda: pending.result()) if pending else None,
            )
            replace_peer_stats(round_id=round_.pk, rows=peer_stats)
            replace_standings(
                round_id=round_.pk,
                rows=standing_input(
                    rows, model, regions, options, race, verified, classes, outcome
                ).rows(),
            )
            refresh_successors(round_, overall)
            round_.computed_at = timezone.now()
            round_.compute_notes = {
                "regions": len(regions),
                "values": value_count,
                "overstated": overstated,
                "exempted": exempted,
                "not_applicable": int(not_applicable.sum()) if not_applicable is not None else 0,
                "classifications": list(classes.schemes),
                "panel_levels": panel_levels,
                "outliers": outliers,
                "sensitivity_draws": options.sensitivity_draws if pending else 0,
                "compared_with": previous.pk if previous else None,
            }
            round_.save(update_fields=["computed_at", "compute_notes"])
    finished = clock()
    return ComputeReport(
        round=round_,
        regions=len(regions),
        values=value_count,
        results=written,
        seconds={
            "read": read_done - started,
            "compute": compute_done - read_done,
            "write": finished - compute_done,  # rank intervals run alongside
            "total": finished - started,
        },
        outliers=outliers,
    )


def _silent(fraction: float, stage: str = "") -> None:
    pass


def apply_panel(
    panel: PanelInput | None, tree: Tree, regions: list[Region], values: RawValues
) -> int:
    """Put the expert panel's final levels (专家评审) in place of the regions' own, in both
    matrices: the score uses the panel's level, and the verification effect stays the effect
    of verification alone. How many levels were placed."""
    if panel is None:
        return 0
    row_of = {region.code: i for i, region in enumerate(regions)}
    col_of = {code: j for j, code in enumerate(tree.leaf_codes)}
    placed = 0
    for region_code, indicator_code, level in panel.levels:
        i, j = row_of.get(region_code), col_of.get(indicator_code)
        if i is not None and j is not None:
            values.values[i, j] = values.own[i, j] = level
            placed += 1
    return placed


def verification_effect(
    tree: Tree, values: RawValues, peers: np.ndarray, options: Options, outcome, exempt=None
) -> Verified | None:
    """Per region: values corrected, values overstated, and the overall score the regions'
    own values would have given (a second engine run, without penalties: what verification
    changed, including its effect on peer-relative goalposts). None when nothing was
    corrected."""
    corrected = values.corrected()
    if not corrected.any():
        return None
    own = compute(tree, values.own, peers, options, exempt=exempt)  # exemptions stand either way
    leaf_flags = outcome.flags[:, tree.leaf_columns]
    return Verified(
        corrected=corrected,
        overstated=((leaf_flags & int(Flag.OVERSTATED)) != 0).sum(axis=1),
        self_scores=own.score(OVERALL),
    )


def parent_names(regions: list[Region]) -> list[str]:
    """Each region's parent's name ("" without one): from the round's own regions, the rest
    in one query (a county round names its cities)."""
    names = {region.code: region.name for region in regions}
    missing = {r.parent_id for r in regions if r.parent_id and r.parent_id not in names}
    if missing:
        names.update(Region.objects.filter(code__in=missing).values_list("code", "name"))
    return [names.get(r.parent_id, "") if r.parent_id else "" for r in regions]


def standing_input(
    rows: ResultRows,
    model: SystemModel,
    regions: list[Region],
    options: Options,
    race,
    verified: Verified | None = None,
    classes: RoundClasses | None = None,
    outcome=None,
) -> StandingInput:
    """The ranking read model's rows from the written results (rank intervals included)."""
    last = rows.scores.shape[1] - 1
    areas = list(model.area_columns)
    intervals = rows.intervals
    level, band, _notes = rows.levels
    return StandingInput(
        round_id=rows.round_id,
        precision=options.precision,
        codes=rows.region_codes,
        levels=[r.level for r in regions],
        parents=[r.parent_id for r in regions],
        names=[r.name for r in regions],
        parent_names=parent_names(regions),
        scores=rows.scores[:, last],
        ranks=rows.ranks[:, last],
        ranks_in_parent=rows.ranks_in_parent[:, last],
        rank_lows=intervals.low if intervals is not None else None,
        rank_highs=intervals.high if intervals is not None else None,
        maturity=level,
        maturity_by_score=band,
        flags=rows.flags[:, last],
        area_scores=rows.scores[:, areas],
        area_ranks=rows.ranks[:, areas],
        progress=race,
        verification=verified,
        class_labels=classes.labels if classes else (),
        class_ranks=[
            classes.ranks(slot, outcome.ranks[grouping_name(slot)][:, last])
            for slot in range(len(classes.labels))
        ]
        if classes and outcome is not None
        else (),
    )
