"""Reading many rows fast: a plain cursor fetch without model instances."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection


def fetch_all(queryset) -> list[tuple]:
    """All rows of a values_list queryset in one fetch, for reads of a whole national round
    (the ORM fetches in chunks of 100 rows, one round trip each)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_chunks(queryset, size: int = 5000) -> Iterator[tuple]:
    """The rows of a values_list queryset through a plain cursor, `size` at a time: a whole
    national round read in steps, never held at once. No field converters run: select
    columns that come from the driver as they should be used (cast them in SQL)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows
