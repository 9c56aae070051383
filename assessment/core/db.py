"""Reading many rows fast: a plain cursor fetch without model instances."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def fetch_all(queryset) -> list[tuple]:
    """All rows of a values_list queryset in one fetch: the ORM iterates in chunks of 100
    rows, which costs a tenth more than the query itself on the 26,000 rows of a national
    ranking."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def bulk_read() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page reads tens of thousands of rows.

    A national ranking allocates some 40,000 short-lived objects without reference cycles
    (fetched rows, ranking rows); the collector would sweep them dozens of times per request
    to find nothing, a noticeable part of the national ranking's time (measured in
    docs/BENCHMARKS.md). Reference counting still frees everything at once; the collector
    resumes afterwards. Nothing in the read creates a cycle.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
