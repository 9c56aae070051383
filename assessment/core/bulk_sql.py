"""Writing many rows fast, below the ORM: `bulk_create` compiles SQL per object, which at
national scale (100,000 rows) costs seconds. SQLite gets `executemany` on plain tuples (the
loop runs in C), PostgreSQL gets COPY. Used by the Excel import and the task generation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection

WRITE_BATCH = 2000


def table_columns(model, fields: Sequence[str]) -> tuple[str, list[str]]:
    """The quoted table name and the quoted columns of these model fields."""
    quote = connection.ops.quote_name
    columns = [quote(model._meta.get_field(name).column) for name in fields]
    return quote(model._meta.db_table), columns


def execute_many(cursor, sql: str, rows: Iterable[Sequence]) -> None:
    """SQLite: `executemany` in batches of WRITE_BATCH rows."""
    rows = iter(rows)
    while batch := list(islice(rows, WRITE_BATCH)):
        cursor.executemany(sql, batch)


def copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """PostgreSQL: COPY streams the rows in one command (psycopg adapts each value)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert plain tuples of these fields' values into the model's table: COPY on PostgreSQL,
    `executemany` elsewhere. No signals, no defaults: every NOT NULL column must be given."""
    table, columns = table_columns(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_rows(cursor, table, columns, rows)
        else:
            marks = ", ".join(["%s"] * len(columns))
            execute_many(cursor, f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                         rows)  # fmt: skip
