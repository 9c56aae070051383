"""Bulk import of values from the workbook: a dry run first, then all or nothing.

The dry run keeps the uploaded file and its report (`ImportBatch`). Applying reads the file
again first, with no lock held, then checks its rows inside one transaction with the round's
submissions locked, and writes only when there is no problem at all (`import_read` and
`import_check` read, `import_write` writes).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import ImportBatch, ImportStatus, Round
from assessment.collection.services.import_check import (
    ImportCheck,
    ImportRules,
    check_import,
    check_rows,
    read_import,
)
from assessment.collection.services.import_write import write_changes

__all__ = [
    "ImportCheck",
    "ImportRefused",
    "ImportRules",
    "apply_file",
    "check_import",
    "import_apply",
    "import_dry_run",
]

IMPORT_MAX_BYTES = 30 * 1024 * 1024
FILE_TOO_LARGE = _("The file is larger than %(limit)s MB.")
HAS_PROBLEMS = _("The file has %(count)s problem(s); nothing was imported.")
UPLOAD_GONE = _("The uploaded file is no longer on the server. Upload the workbook again.")
ALREADY_APPLIED = _("This file was already imported.")


class ImportRefused(ValidationError):
    """The file has problems; `check` holds them all."""

    def __init__(self, check: ImportCheck):
        super().__init__(HAS_PROBLEMS, code="problems", params={"count": check.problem_count})
        self.check = check


def import_dry_run(*, round: Round, upload, user, rules: ImportRules) -> ImportBatch:
    """Keep the uploaded file and its check, so the person can read the report and apply it."""
    batch = ImportBatch(
        round=round,
        uploaded_by=user,
        original_name=(upload.name or "values.xlsx")[:200],
        include_approved=rules.include_approved,
    )
    if upload.size > IMPORT_MAX_BYTES:  # refused without being stored
        check = ImportCheck()
        check.add(None, None, FILE_TOO_LARGE % {"limit": IMPORT_MAX_BYTES // 1024 // 1024}, "")
    else:
        check = check_import(round=round, source=upload, rules=rules)
        batch.file.save("upload.xlsx", upload, save=False)
    _record(batch, check)
    batch.save()
    return batch


def _record(batch: ImportBatch, check: ImportCheck) -> None:
    batch.summary = check.summary()
    batch.problems = [
        [problem.sheet, problem.row, problem.column, problem.message] for problem in check.problems
    ]


def import_apply(*, batch: ImportBatch, user, rules: ImportRules) -> ImportCheck:
    """Check again (state may have moved on) and write every change, or nothing."""
    if batch.status == ImportStatus.APPLIED:
        raise ValidationError(ALREADY_APPLIED, code="applied")
    try:
        source = batch.file.open("rb")
    except OSError as error:  # the stored upload was cleaned away or the disk is gone
        raise ValidationError(UPLOAD_GONE, code="gone") from error
    with source:
        parsed = read_import(round=batch.round, source=source)  # no lock while parsing
    try:
        with transaction.atomic():
            check = check_rows(parsed, rules=rules, lock=True)
            _record(batch, check)
            if not check.ok:
                raise ImportRefused(check)
            write_changes(check, user=user)
            batch.status = ImportStatus.APPLIED
            batch.applied_at = timezone.now()
            batch.save(update_fields=["summary", "problems", "status", "applied_at"])
    except ImportRefused:
        # Outside the rolled-back transaction: the report shows what the second check found.
        batch.save(update_fields=["summary", "problems"])
        raise
    return check


def apply_file(*, round: Round, path, user, rules: ImportRules) -> ImportCheck:
    """The command-line import: read, then check and write in one transaction, all or nothing."""
    parsed = read_import(round=round, source=path)
    with transaction.atomic():
        check = check_rows(parsed, rules=rules, lock=True)
        if not check.ok:
            raise ImportRefused(check)
        write_changes(check, user=user)
    return check
