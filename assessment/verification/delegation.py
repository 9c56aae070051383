"""Blocks of a round's verification (核验分工): what each block holds, how far each evaluator
is, and which cells of the queue are a block-bound evaluator's own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from assessment.collection.models import Round, Submission
from assessment.collection.selectors.entry import system_leaves
from assessment.regions.access import is_administrator
from assessment.regions.models import RegionLevel, level_for_code
from assessment.verification.access import VERIFIABLE
from assessment.verification.models import (
    Block,
    Verification,
    VerificationPolicy,
    covers_indicator,
)


@dataclass
class BlockRow:
    """One block with its progress: cells = its submitted regions × its indicators."""

    block: Block
    leaves: int
    cells: int = 0
    verified: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.verified / self.cells) if self.cells else 0


@dataclass
class VerifierRow:
    """One evaluator's blocks in a round, with their total progress."""

    user: object
    blocks: list[BlockRow] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return sum(row.cells for row in self.blocks)

    @property
    def verified(self) -> int:
        return sum(row.verified for row in self.blocks)

    @property
    def percent(self) -> int:
        return round(100 * self.verified / self.cells) if self.cells else 0


def block_progress(round_: Round) -> list[VerifierRow]:
    """The round's blocks by evaluator, each with its cells and how many are verified (three
    queries, whatever the number of blocks: the round's verifiable submissions and their
    verified indicator codes are read once and counted per block in Python)."""
    blocks = list(
        Block.objects.filter(round=round_)
        .select_related("verifier", "region")
        .order_by("verifier__username", "region_id")
    )
    if not blocks:
        return []
    leaves = system_leaves(round_.system_id)
    submissions = dict(
        Submission.objects.filter(round=round_, status__in=VERIFIABLE).values_list(
            "pk", "region_id"
        )
    )
    verified = verified_codes(list(submissions))
    by_verifier: dict[int, VerifierRow] = {}
    for block in blocks:
        covered = [leaf for leaf in leaves if covers_indicator(block.indicator_codes, leaf.code)]
        row = BlockRow(block, leaves=len(covered))
        # Per level, the covered indicators that apply to it (a county skips city-only ones).
        codes_for = {level: [leaf.code for leaf in covered if leaf.applies_to_level(level)]
                     for level in RegionLevel.values}  # fmt: skip
        prefix = block.region.subtree_prefix
        for submission_id, region_code in submissions.items():
            if region_code.startswith(prefix):
                codes = codes_for[level_for_code(region_code)]
                row.cells += len(codes)
                done = verified.get(submission_id, {})
                row.verified += sum(1 for c in codes if c in done)
        by_verifier.setdefault(block.verifier_id, VerifierRow(block.verifier)).blocks.append(row)
    return list(by_verifier.values())


@dataclass(frozen=True)
class BlockScopes:
    """For a queue: per round divided into blocks, the user's blocks in it, and whether they
    are bound by them (an evaluator who neither administers nor verifies as supervisor)."""

    divided: dict[int, list[Block]]  # round id → the user's blocks (may be empty)
    supervisor_rounds: frozenset[int]  # rounds where supervisors verify too

    def bound(self, submission: Submission, supervises: bool) -> list[Block] | None:
        """The user's blocks that cover the submission's region when blocks bind them here;
        None when they do not (whole submissions)."""
        if submission.round_id not in self.divided:
            return None
        if supervises and submission.round_id in self.supervisor_rounds:
            return None
        return [b for b in self.divided[submission.round_id]
                if submission.region_id.startswith(b.region.subtree_prefix)]  # fmt: skip


def block_scopes(user, round_ids: set[int]) -> BlockScopes | None:
    """None when blocks bind nobody here (administrators, or no round divided; one query),
    otherwise the user's blocks in the divided rounds (three queries)."""
    if is_administrator(user) or not round_ids:
        return None
    divided_ids = set(
        Block.objects.filter(round_id__in=round_ids).values_list("round_id", flat=True)
    )
    if not divided_ids:
        return None
    divided: dict[int, list[Block]] = {round_id: [] for round_id in divided_ids}
    for block in Block.objects.filter(round_id__in=divided_ids, verifier=user).select_related(
        "region"
    ):
        divided[block.round_id].append(block)
    supervisor_rounds = frozenset(
        VerificationPolicy.objects.filter(
            round_id__in=divided_ids, supervisors_verify=True
        ).values_list("round_id", flat=True)
    )
    return BlockScopes(divided, supervisor_rounds)


def verified_codes(submission_ids: list[int]) -> dict[int, dict[str, bool]]:
    """Per submission, its verified indicator codes and whether each was corrected (one
    query)."""
    found: dict[int, dict[str, bool]] = defaultdict(dict)
    rows = Verification.objects.filter(submission_id__in=submission_ids).values_list(
        "submission_id", "indicator__code", "corrected"
    )
    for submission_id, code, corrected in rows:
        found[submission_id][code] = corrected
    return found
