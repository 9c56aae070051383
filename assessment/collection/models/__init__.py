"""Data collection: rounds, submissions, values, evidence, review comments, the audit trail, imports."""

from assessment.collection.models.rounds import Round, RoundStatus, Submission, SubmissionStatus, Value, validate_round_year
from assessment.collection.models.evidence import Evidence, Extension, ReviewComment
from assessment.collection.models.audit import AuditAction, AuditEntry, AuditSource
from assessment.collection.models.imports import ImportBatch, ImportStatus

__all__ = [
    "AuditAction",
    "AuditEntry",
    "AuditSource",
    "Evidence",
    "Extension",
    "ImportBatch",
    "ImportStatus",
    "ReviewComment",
    "Round",
    "RoundStatus",
    "Submission",
    "SubmissionStatus",
    "Value",
    "validate_round_year",
]
