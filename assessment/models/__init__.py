"""Models of the assessment app, one module per part of the domain."""

from assessment.models.audit import AuditAction, AuditEntry, AuditSource
from assessment.models.collection import Evidence, EvidenceKind, Extension, ReviewComment
from assessment.models.dashboards import PeerStat, ScoreChange
from assessment.models.imports import ImportBatch, ImportStatus
from assessment.models.practices import (
    Practice,
    PracticeEvidence,
    PracticeInvitation,
    PracticeStatus,
)
from assessment.models.rectification import (
    RectificationTask,
    TaskAction,
    TaskEvent,
    TaskEvidence,
    TaskOrigin,
    TaskStatus,
)
from assessment.models.regions import Membership, Region, RegionLevel, Role
from assessment.models.reports import JobStatus, ReportJob
from assessment.models.results import Result, ResultFlag, ResultKind
from assessment.models.rounds import Round, RoundStatus, Submission, SubmissionStatus, Value

__all__ = [
    "AuditAction",
    "AuditEntry",
    "AuditSource",
    "Evidence",
    "EvidenceKind",
    "Extension",
    "ImportBatch",
    "ImportStatus",
    "JobStatus",
    "Membership",
    "PeerStat",
    "Practice",
    "PracticeEvidence",
    "PracticeInvitation",
    "PracticeStatus",
    "RectificationTask",
    "Region",
    "RegionLevel",
    "ReportJob",
    "Result",
    "ResultFlag",
    "ResultKind",
    "ReviewComment",
    "Role",
    "Round",
    "RoundStatus",
    "ScoreChange",
    "Submission",
    "SubmissionStatus",
    "TaskAction",
    "TaskEvent",
    "TaskEvidence",
    "TaskOrigin",
    "TaskStatus",
    "Value",
]
