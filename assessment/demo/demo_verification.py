"""Demo data of verification (核验): the provincial evaluator has verified three regions of the
2025 round through the same service people use — most values confirmed, a few corrected with
their reasons — before the round was computed, so its results use the verified values."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from assessment.collection.models import Round, Submission, Value
from assessment.verification.models import Reason, Verification
from assessment.verification.services import CONFIRM, CORRECT, Decision, save_decisions

#: region → {indicator: (verified value, reason, note)}; every other value is confirmed.
CORRECTIONS = {
    "330106": {  # 西湖区
        "DS.1.1": (
            Decimal("78"),
            Reason.SAMPLE_RECOUNT,
            "抽查 50 项政务数据目录，39 项已编制（78%），自评按全部事项计。",
        ),
        "SV.2.1": (
            Decimal("85"),
            Reason.EVIDENCE_CONTRADICTS,
            "随机抽取 40 份办事指南，6 份要素与实际办理不一致。",
        ),
    },
    "331126": {  # 庆元县
        "SV.1.1": (
            Decimal("55"),
            Reason.EVIDENCE_MISSING,
            "未提供全程网办事项清单，按省平台统计数核定。",
        ),
    },
    "330281": {  # 余姚市
        "BL.4.2": (Decimal("88"), Reason.CALCULATION, "分母漏计跨省通办事项，重新计算。"),
    },
}


def ensure_verifications(round_: Round) -> None:
    """Verify the demo regions of `round_` once (nothing if any verification exists)."""
    if Verification.objects.filter(submission__round=round_).exists():
        return
    evaluator = get_user_model().objects.get(username="evaluator")
    for code, corrections in CORRECTIONS.items():
        submission = Submission.objects.filter(round=round_, region_id=code).first()
        if submission is None:
            continue
        decisions = []
        for value in Value.objects.filter(submission=submission).select_related("indicator"):
            corrected = corrections.get(value.indicator.code)
            decisions.append(
                Decision(indicator=value.indicator, action=CORRECT if corrected else CONFIRM,
                         value=corrected[0] if corrected else None,
                         reason=corrected[1] if corrected else "",
                         note=corrected[2] if corrected else "", version=0)
            )  # fmt: skip
        save_decisions(submission=submission, user=evaluator, decisions=decisions)
