"""What the verification pages and the profile read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from assessment.collection.models import (
    Evidence,
    RoundStatus,
    Submission,
    SubmissionStatus,
    Value,
)
from assessment.collection.selectors.entry import system_leaves
from assessment.collection.services.values import canonical
from assessment.core.people import full_name
from assessment.regions.access import (
    is_administrator,
    own_region_codes,
    supervised_prefixes,
    visibility_filter,
)
from assessment.regions.models import Role, level_for_code
from assessment.verification.access import VERIFIABLE
from assessment.verification.delegation import (
    BlockScopes,
    block_scopes,
    verified_codes,
)
from assessment.verification.models import (
    Reason,
    Requirement,
    Verification,
    VerifierEvidence,
    covers_indicator,
    policy_of,
)
from assessment.verification.overstatement import Leaf, is_overstated
from indicators.models import Indicator


@dataclass
class Cell:
    """One indicator of the verification page: the region's value, its evidence, and the
    verification so far (with what was posted, when the page comes back with errors), with
    the verifiers' own evidence."""

    indicator: Indicator
    value: Decimal | None = None
    note: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    verifier_evidence: list[VerifierEvidence] = field(default_factory=list)
    verification: Verification | None = None
    posted: dict[str, str] = field(default_factory=dict)
    error: str = ""

    @property
    def value_text(self) -> str:
        return canonical(self.value) or "—"

    @property
    def version(self) -> int:
        return self.verification.version if self.verification else 0


def verification_cells(submission: Submission) -> list[Cell]:
    """Every leaf of the round's system that applies to the region's level, in form order
    (five queries)."""
    leaves = system_leaves(submission.round.system_id, level_for_code(submission.region_id))
    cells = {leaf.pk: Cell(indicator=leaf) for leaf in leaves}
    for value in Value.objects.filter(submission=submission):
        if value.indicator_id in cells:
            cells[value.indicator_id].value = value.value
            cells[value.indicator_id].note = value.note
    for evidence in Evidence.objects.filter(submission=submission).order_by("pk"):
        if evidence.indicator_id in cells:
            cells[evidence.indicator_id].evidence.append(evidence)
    for item in VerifierEvidence.objects.filter(submission=submission):
        if item.indicator_id in cells:
            cells[item.indicator_id].verifier_evidence.append(item)
    for verification in Verification.objects.filter(submission=submission).select_related(
        "verified_by"
    ):
        if verification.indicator_id in cells:
            cells[verification.indicator_id].verification = verification
    return list(cells.values())


@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    verified: int
    corrected: int
    leaves: int

    @property
    def percent(self) -> int:
        return round(100 * self.verified / self.leaves) if self.leaves else 0


def verification_queue(*, user, round_id: int | None = None) -> list[QueueRow]:
    """Submitted and approved submissions the user may verify, least verified first (two
    queries, whatever the number of regions)."""
    evaluates = visibility_filter(user, field="region__code", roles=[Role.EVALUATOR])
    supervises = visibility_filter(user, field="region__code", roles=[Role.SUPERVISOR])
    submissions = Submission.objects.filter(
        evaluates | (supervises & Q(round__verification_policy__supervisors_verify=True)),
        status__in=VERIFIABLE,
    ).exclude(region_id__in=own_region_codes(user))
    if not is_administrator(user):  # a published round is verified by administrators only
        submissions = submissions.exclude(round__status=RoundStatus.PUBLISHED)
    if round_id is not None:
        submissions = submissions.filter(round_id=round_id)
    submissions = (
        submissions.select_related("round", "region")
        .annotate(
            verified=Count("verifications"),
            corrected=Count("verifications", filter=Q(verifications__corrected=True)),
        )
        .order_by("round_id", "region_id")
    )
    leaves = dict(
        Indicator.objects.exclude(value_type="")
        .values_list("system_id")
        .annotate(count=Count("pk"))
        .values_list("system_id", "count")
    )
    rows = [
        QueueRow(s, s.verified, s.corrected, leaves.get(s.round.system_id, 0)) for s in submissions
    ]
    scopes = block_scopes(user, {row.submission.round_id for row in rows})
    if scopes is not None:  # some rounds are divided into blocks (核验分工)
        rows = within_blocks(rows, scopes, supervised_prefixes(user))
    return sorted(rows, key=lambda row: (row.percent, row.submission.region_id))


def within_blocks(
    rows: list[QueueRow], scopes: BlockScopes, supervised: tuple[str, ...]
) -> list[QueueRow]:
    """The queue of a block-bound evaluator: the submissions of their blocks, each counted
    over the indicators of those blocks (two queries)."""
    kept: list[tuple[QueueRow, list]] = []
    for row in rows:
        blocks = scopes.bound(row.submission, row.submission.region_id.startswith(supervised))
        if blocks is None:
            kept.append((row, []))
        elif blocks:
            kept.append((row, blocks))
    bound = [row.submission for row, blocks in kept if blocks]
    if not bound:
        return [row for row, _ in kept]
    leaves = {system: system_leaves(system) for system in {s.round.system_id for s in bound}}
    done = verified_codes([s.pk for s in bound])
    result = []
    for row, blocks in kept:
        if not blocks:
            result.append(row)
            continue
        submission = row.submission
        level = level_for_code(submission.region_id)
        mine = [
            leaf.code
            for leaf in leaves[submission.round.system_id]
            if leaf.applies_to_level(level)
            and any(covers_indicator(b.indicator_codes, leaf.code) for b in blocks)
        ]
        verified = done.get(submission.pk, {})
        result.append(QueueRow(
            submission, sum(1 for c in mine if c in verified),
            sum(1 for c in mine if verified.get(c)), len(mine),
        ))  # fmt: skip
    return result


def corrections(*, round_, region_code: str) -> list[Verification]:
    """The values verifiers corrected for one region in a round, in form order, each with
    `overstated` set by the round's rule and the verifiers' `evidence` (one query; three when
    there are any)."""
    found = list(
        Verification.objects.filter(
            submission__round=round_, submission__region_id=region_code, corrected=True
        )
        .select_related("indicator", "verified_by")
        .order_by("indicator__order")
    )
    if not found:
        return found
    policy = policy_of(round_)
    evidence = defaultdict(list)
    for item in VerifierEvidence.objects.filter(
        submission_id=found[0].submission_id, indicator_id__in=[v.indicator_id for v in found]
    ):
        evidence[item.indicator_id].append(item)
    for verification in found:
        verification.overstated = is_overstated(
            verification.indicator, verification.self_value, verification.verified_value, policy
        )
        verification.evidence = evidence[verification.indicator_id]
    return found


@dataclass(frozen=True)
class Coverage:
    """How much of what the round's policy requires is verified (approved submissions)."""

    required: int  # cells
    verified: int
    regions_left: int  # approved submissions with a required cell not yet verified

    @property
    def missing(self) -> int:
        return self.required - self.verified


def required_coverage(round_) -> Coverage | None:
    """None when the round requires no verification (three queries otherwise)."""
    policy = policy_of(round_)
    if policy.requirement == Requirement.NONE:
        return None
    leaves = Indicator.objects.filter(system_id=round_.system_id).exclude(value_type="")
    if policy.requirement == Requirement.LISTED:
        leaves = leaves.filter(code__in=policy.indicator_codes)
    leaves = list(leaves)
    submissions = Submission.objects.filter(round=round_, status=SubmissionStatus.APPROVED)
    levels = dict(submissions.values_list("pk", "region__level"))
    # A region is asked (and verified) on the indicators that apply to its level only.
    needed = {level: {leaf.pk for leaf in leaves if leaf.applies_to_level(level)}
              for level in set(levels.values())}  # fmt: skip
    done = (
        Verification.objects.filter(
            submission__in=submissions, indicator_id__in=[leaf.pk for leaf in leaves]
        )
        .values("submission_id")
        .annotate(n=Count("pk"))
        .values_list("submission_id", "n")
    )
    per_submission = dict(done)
    complete = sum(
        1 for pk, level in levels.items() if per_submission.get(pk, 0) >= len(needed[level])
    )
    return Coverage(
        required=sum(len(needed[level]) for level in levels.values()),
        verified=sum(per_submission.values()),
        regions_left=len(levels) - complete,
    )


@dataclass(frozen=True)
class CorrectionRow:
    """One corrected value, as the round report lists it."""

    region_code: str
    region_name: str
    indicator_code: str
    indicator_name: str
    self_value: Decimal | None
    verified_value: Decimal | None
    overstated: bool
    reason: str
    note: str
    verified_by: str
    verified_at: object


def correction_rows(round_, region_codes: list[str]):
    """The corrected values of the round's regions in `region_codes`, by region then form
    order, streamed (one query; a national round may have tens of thousands)."""
    policy = policy_of(round_)
    wanted = set(region_codes)
    corrected = (
        Verification.objects.filter(submission__round=round_, corrected=True)
        .order_by("submission__region_id", "indicator__order")
        .values_list(
            "submission__region_id", "submission__region__name", "indicator__code",
            "indicator__name_zh", "indicator__name_en", "indicator__value_type",
            "indicator__direction", "self_value", "verified_value", "reason", "note",
            "verified_by__username", "verified_at",
            "verified_by__first_name", "verified_by__last_name",
        )
    )  # fmt: skip

    labels = dict(Reason.choices)
    for row in corrected.iterator(chunk_size=2000):
        code, name, leaf, name_zh, name_en, value_type, direction, own, verified = row[:9]
        reason, note, by, at, first, last = row[9:]
        if code not in wanted:
            continue
        leaf_name = Indicator(name_zh=name_zh, name_en=name_en).name
        yield CorrectionRow(
            code, name, leaf, leaf_name, own, verified,
            is_overstated(Leaf(value_type, direction), own, verified, policy),
            str(labels.get(reason, "")), note, full_name(by, first, last), at,
        )  # fmt: skip


@dataclass
class SummaryRow:
    """Verification of one region (or one indicator) in a round."""

    code: str
    name: str
    verified: int = 0
    corrected: int = 0
    overstated: int = 0
    effect: float | None = None  # on the overall score, as last computed (the results page's)
    #: An indicator's corrected regions (name, overstated?), in code order.
    corrected_regions: list[tuple[str, bool]] = field(default_factory=list)


def verification_summary(*, user, round_) -> tuple[list[SummaryRow], list[SummaryRow]]:
    """(per region, per indicator) counts of verified, corrected and overstated values in the
    round, for the regions the user sees as an evaluator or supervisor; regions with most
    corrections first (two queries, whatever the number of regions)."""
    visible = visibility_filter(
        user, field="submission__region__code", roles=[Role.EVALUATOR, Role.SUPERVISOR]
    )
    policy = policy_of(round_)
    rows = Verification.objects.filter(visible, submission__round=round_).order_by(
        "submission__region_id"
    ).values_list(
        "submission__region_id", "submission__region__name", "indicator__code",
        "indicator__value_type", "indicator__direction", "corrected", "self_value",
        "verified_value",
    )  # fmt: skip
    regions: dict[str, SummaryRow] = {}
    leaves = {
        leaf.code: SummaryRow(leaf.code, leaf.name) for leaf in system_leaves(round_.system_id)
    }
    for code, name, leaf, value_type, direction, corrected, own, verified in rows.iterator(
        chunk_size=5000
    ):
        over = corrected and is_overstated(Leaf(value_type, direction), own, verified, policy)
        for row in (regions.setdefault(code, SummaryRow(code, name)), leaves.get(leaf)):
            if row is None:
                continue
            row.verified += 1
            row.corrected += int(corrected)
            row.overstated += int(over)
        if corrected and leaf in leaves:
            leaves[leaf].corrected_regions.append((name, over))
    by_region = sorted(regions.values(), key=lambda r: (-r.overstated, -r.corrected, r.code))
    by_leaf = [row for row in leaves.values() if row.verified]
    return by_region, by_leaf


def verification_sources(*, round_, region_code: str) -> dict[str, str]:
    """Leaf code → "corrected" or "verified" for the region's verified values (one query):
    the profile marks where each score's value came from (no mark: self-reported only)."""
    rows = Verification.objects.filter(
        submission__round=round_, submission__region_id=region_code
    ).values_list("indicator__code", "corrected")
    return {code: "corrected" if corrected else "verified" for code, corrected in rows}
