"""Computed results and what the compute step derives for the pages."""

from assessment.results.models.peers import PeerStat, ScoreChange
from assessment.results.models.results import Result, ResultFlag, ResultKind

__all__ = [
    "PeerStat",
    "Result",
    "ResultFlag",
    "ResultKind",
    "ScoreChange",
]
