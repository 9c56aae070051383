"""Data collection: rounds, submissions, values, evidence, review comments, audit, imports."""

from assessment.collection.models.audit import AuditAction, AuditEntry, AuditSource
from assessment.collection.models.chases import Chase
from assessment.collection.models.evidence import Evidence, Extension, ReviewComment
from assessment.collection.models.imports import ImportBatch, ImportStatus
from assessment.collection.models.rounds import (
    Round,
    RoundStatus,
    Submission,
    SubmissionStatus,
    Value,
    validate_round_year,
)

__all__ = [
    "AuditAction",
    "AuditEntry",
    "AuditSource",
    "Chase",
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
