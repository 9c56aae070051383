"""Demo data of verification (核验): the provincial evaluator has verified three regions of the
2025 round through the same service people use — most values confirmed, a few corrected with
their reasons — before the round was computed, so its results use the verified values. The
round applies the overstatement rule (虚报, default tolerance): 西湖区's data-catalogue rate,
16 points above what the sample supports, is marked overstated and scores 0."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from assessment.collection.models import Round, Submission, Value
from assessment.verification.models import Reason, Verification, VerificationPolicy
from assessment.verification.services import CONFIRM, CORRECT, Decision, save_decisions

#: region → {indicator: (verified minus the region's value, reason, note)}; every other value
#: is confirmed.
CORRECTIONS = {
    "330106": {  # 西湖区
        "DS.1.1": (-16, Reason.SAMPLE_RECOUNT,
                   "抽查 50 项政务数据目录，编制率明显低于自评，自评按计划事项计。"),
        "SV.2.1": (-3, Reason.EVIDENCE_CONTRADICTS,
                   "随机抽取 40 份办事指南，少量要素与实际办理不一致。"),
    },
    "331126": {  # 庆元县
        "SV.1.1": (-4, Reason.EVIDENCE_MISSING, "部分事项未提供全程网办证明，按省平台统计数核定。"),
    },
    "330281": {  # 余姚市
        "BL.4.2": (-2, Reason.CALCULATION, "分母漏计跨省通办事项，重新计算。"),
    },
}  # fmt: skip


def ensure_verifications(round_: Round) -> None:
    """Verify the demo regions of `round_` once (nothing if any verification exists)."""
    if Verification.objects.filter(submission__round=round_).exists():
        return
    VerificationPolicy.objects.get_or_create(round=round_, defaults={"overstatement": True})
    evaluator = get_user_model().objects.get(username="evaluator")
    for code, corrections in CORRECTIONS.items():
        submission = Submission.objects.filter(round=round_, region_id=code).first()
        if submission is None:
            continue
        decisions = []
        for value in Value.objects.filter(submission=submission).select_related("indicator"):
            corrected = corrections.get(value.indicator.code)
            if corrected is None or value.value is None:
                decisions.append(Decision(indicator=value.indicator, action=CONFIRM, value=None,
                                          reason="", note="", version=0))  # fmt: skip
                continue
            delta, reason, note = corrected
            verified = max(Decimal(0), value.value + delta)
            decisions.append(Decision(indicator=value.indicator, action=CORRECT, value=verified,
                                      reason=reason, note=note, version=0))  # fmt: skip
        save_decisions(submission=submission, user=evaluator, decisions=decisions)
