"""Computed results and what the compute step derives for the pages (peer statistics, the
ranking read model)."""

from assessment.results.models.exemptions import Exemption
from assessment.results.models.peers import PeerStat
from assessment.results.models.results import Result, ResultFlag, ResultKind
from assessment.results.models.standings import Standing

__all__ = [
    "Exemption",
    "PeerStat",
    "Result",
    "ResultFlag",
    "ResultKind",
    "Standing",
]
