"""Reading many rows fast: a plain cursor fetch without model instances."""

from __future__ import annotations

from django.db import connection


def fetch_all(queryset) -> list[tuple]:
    """All rows of a values_list queryset in one fetch, for reads of a whole national round
    (the ORM fetches in chunks of 100 rows, one round trip each)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
