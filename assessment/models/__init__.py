"""Models of the assessment app, one module per part of the domain."""

from assessment.models.dashboards import PeerStat, ScoreChange
from assessment.models.regions import Membership, Region, RegionLevel, Role
from assessment.models.results import Result, ResultFlag, ResultKind
from assessment.models.rounds import Round, RoundStatus, Submission, SubmissionStatus, Value

__all__ = [
    "Membership",
    "PeerStat",
    "Region",
    "RegionLevel",
    "Result",
    "ResultFlag",
    "ResultKind",
    "Role",
    "Round",
    "RoundStatus",
    "ScoreChange",
    "Submission",
    "SubmissionStatus",
    "Value",
]
