"""Writing an import's changes fast: values, one audit entry per change, version bumps.

Not `bulk_create`: at 138,159 values Django's per-object SQL compilation took most of the time.
SQLite gets `executemany` on plain tuples, PostgreSQL gets COPY (`bulk_sql`, docs/BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection
from django.db.models import F
from django.utils import timezone

from assessment.collection.models import (
    AuditAction,
    AuditEntry,
    AuditSource,
    Submission,
    SubmissionStatus,
    Value,
)
from assessment.collection.services.import_check import ImportCheck
from assessment.collection.services.values import canonical
from assessment.core.bulk_sql import copy_rows, execute_many, table_columns


def write_changes(
    check: ImportCheck,
    *,
    user,
    source: str = AuditSource.IMPORT,
    reason: str = "",
    fed_from: str = "",
) -> None:
    """Values (upsert keeping notes), one audit entry per change, a version bump per
    submission touched (so an entry form open elsewhere sees a conflict), in this transaction.
    A platform's write names itself in `fed_from` (kept on the value) and `reason` (audit)."""
    now = timezone.now()
    touched = sorted(check.submissions)
    for chunk in _chunks(touched, 1000):
        Submission.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)
        Submission.objects.filter(pk__in=chunk, status=SubmissionStatus.NOT_STARTED).update(
            status=SubmissionStatus.DRAFT
        )
    user_id = user.pk if user is not None else None
    fed_from = fed_from[:200]
    value_rows = (
        (sid, iid, value, "", fed_from, now, user_id) for sid, iid, _old, value in check.changes
    )
    audit_rows = (
        (sid, now, user_id, AuditAction.VALUE, source, iid, old,
         canonical(value), reason, check.versions[sid][0] + 1)
        for sid, iid, old, value in check.changes
    )  # fmt: skip
    value_table, value_columns = table_columns(
        Value, ["submission", "indicator", "value", "note", "fed_from", "updated_at", "updated_by"]
    )
    audit_table, audit_columns = table_columns(
        AuditEntry,
        ["submission", "at", "actor", "action", "source", "indicator", "old", "new", "reason",
         "version"],
    )  # fmt: skip
    key = ", ".join(value_columns[:2])
    # The note is the region's own: an upsert keeps it.
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (value_columns[2], *value_columns[4:]))
    upsert = f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_upsert(cursor, value_table, value_columns, value_rows, upsert)
            copy_rows(cursor, audit_table, audit_columns, audit_rows)
            return
        decimal = Value._meta.get_field("value")
        stamp = connection.ops.adapt_datetimefield_value(now)
        execute_many(
            cursor,
            f"INSERT INTO {value_table} ({', '.join(value_columns)}) "
            f"VALUES ({', '.join(['%s'] * 7)}) {upsert}",
            (
                (sid, iid, decimal.get_db_prep_save(value, connection), note, fed, stamp, uid)
                for sid, iid, value, note, fed, _at, uid in value_rows
            ),
        )
        execute_many(
            cursor,
            f"INSERT INTO {audit_table} ({', '.join(audit_columns)}) "
            f"VALUES ({', '.join(['%s'] * 10)})",
            ((row[0], stamp, *row[2:]) for row in audit_rows),
        )


def _copy_upsert(cursor, table: str, columns: list[str], rows, upsert: str) -> None:
    """COPY into a temporary table, then one INSERT … ON CONFLICT into the real one."""
    names = ", ".join(columns)
    cursor.execute(
        f"CREATE TEMPORARY TABLE import_values ON COMMIT DROP AS "
        f"SELECT {names} FROM {table} WITH NO DATA"
    )
    copy_rows(cursor, "import_values", columns, rows)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM import_values {upsert}")
    cursor.execute("DROP TABLE import_values")


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
