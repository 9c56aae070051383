"""Writing a round's Results fast: one DELETE, then COPY (PostgreSQL) or executemany (SQLite).

A national round has 3,213 regions × 66 nodes = 212,058 rows; building that many model
instances for `bulk_create` costs more than the whole engine run, so rows go to the database as
text, in chunks of regions (bounded memory). Node rows carry only the columns every node has;
the 3,213 overall rows, which alone have rank intervals and maturity levels, go in a second,
small statement. Everything runs in the caller's transaction: the old results disappear only if
the new ones are all written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from assessment.results.models import Result

NODE_COLUMNS = ("round_id", "region_id", "indicator_id", "kind", "score", "rank",
                "rank_in_parent", "flags")  # fmt: skip
OVERALL_COLUMNS = (*NODE_COLUMNS, "rank_low", "rank_high", "level_id", "level_by_score_id",
                   "gate_notes")  # fmt: skip
NULL = "\\N"  # COPY text format
CHUNK_REGIONS = 256


STORED_DECIMALS = 6  # scores are stored to 6 decimals: beyond any published precision
# COPY's text format reads a backslash, tab or line break inside a cell as syntax.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """A text cell as COPY's text format reads it back unchanged."""
    return value.translate(COPY_ESCAPES)


def _texts(values: np.ndarray, *, as_int: bool = False) -> list[str]:
    """Numbers as COPY text, NaN as NULL.

    Scores are rounded to STORED_DECIMALS first: the shortest repr of a 6-decimal number is
    four times faster to produce than that of a full double, and that formatting is the
    largest cost of writing a national round.
    """
    missing = np.isnan(values)
    if as_int:
        texts = np.where(missing, 0, values).astype(np.int64).astype(str)
    else:
        texts = np.array(list(map(repr, np.round(values, STORED_DECIMALS).tolist())))
    return np.where(missing, NULL, texts).tolist()


@dataclass
class ResultRows:
    """A round's results as arrays (regions × tree columns, OVERALL last), ready to stream."""

    round_id: int
    region_codes: Sequence[str]
    indicator_ids: Sequence[int | None]
    kinds: Sequence[int]
    scores: np.ndarray
    ranks: np.ndarray
    ranks_in_parent: np.ndarray
    flags: np.ndarray
    levels: tuple[list[str], list[str], list[str | None]]  # per region: level, band, gate notes
    # Rank intervals arrive last: the Monte Carlo run overlaps with writing the node rows.
    intervals: object | None = None

    @property
    def count(self) -> int:
        return self.scores.size

    @classmethod
    def from_outcome(
        cls,
        *,
        round_id: int,
        region_codes: Sequence[str],
        outcome,
        indicator_ids: Sequence[int | None],
        kinds: Sequence[int],
        level_ids: Sequence[int],
    ) -> ResultRows:
        n = len(region_codes)
        levels = outcome.levels
        lookup = np.array([*level_ids, np.nan], dtype=float)  # engine index -1 → NaN
        level = lookup[levels.index] if levels else np.full(n, np.nan)
        band = lookup[levels.band] if levels else np.full(n, np.nan)
        notes: list[str | None] = [None] * n
        if levels:
            for row in np.flatnonzero(levels.index != levels.band).tolist():
                notes[row] = json.dumps(
                    [
                        {
                            "level": f.level,
                            "kind": f.kind,
                            "node": f.node,
                            "required": f.required,
                            "actual": None if np.isnan(f.actual) else round(float(f.actual), 2),
                        }
                        for f in levels.held_back(row)
                    ],
                    ensure_ascii=False,
                )
        return cls(
            round_id=round_id,
            region_codes=list(region_codes),
            indicator_ids=list(indicator_ids),
            kinds=[int(k) for k in kinds],
            scores=outcome.scores,
            ranks=outcome.ranks["peer"],
            ranks_in_parent=outcome.ranks["parent"],
            flags=outcome.flags.astype(np.int64),
            levels=(_texts(level, as_int=True), _texts(band, as_int=True), notes),
        )

    def _node_cells(self, start: int, stop: int) -> Iterator[tuple[str, ...]]:
        """Node rows (every column but OVERALL) of regions[start:stop], as text tuples."""
        cols = slice(0, self.scores.shape[1] - 1)
        prefixes = [
            (str(self.round_id), code, NULL if ind is None else str(ind), str(kind))
            for code in self.region_codes[start:stop]
            for ind, kind in zip(self.indicator_ids[cols], self.kinds[cols], strict=True)
        ]
        scores = _texts(self.scores[start:stop, cols].ravel())
        ranks = _texts(self.ranks[start:stop, cols].ravel(), as_int=True)
        in_parent = _texts(self.ranks_in_parent[start:stop, cols].ravel(), as_int=True)
        flags = self.flags[start:stop, cols].ravel().astype(str).tolist()
        for prefix, *cells in zip(prefixes, scores, ranks, in_parent, flags, strict=True):
            yield (*prefix, *cells)

    def node_chunks(self) -> Iterator[list[tuple[str, ...]]]:
        for start in range(0, len(self.region_codes), CHUNK_REGIONS):
            yield list(self._node_cells(start, start + CHUNK_REGIONS))

    def overall_rows(self, *, copy_format: bool) -> list[tuple[str | None, ...]]:
        """The overall rows; `copy_format` writes NULL and escapes the JSON notes for COPY."""
        last = self.scores.shape[1] - 1
        n = len(self.region_codes)
        low = self.intervals.low if self.intervals is not None else np.full(n, np.nan)
        high = self.intervals.high if self.intervals is not None else np.full(n, np.nan)
        level, band, notes = self.levels
        if copy_format:
            notes = [NULL if note is None else copy_text(note) for note in notes]
        columns = (
            self.region_codes,
            _texts(self.scores[:, last]),
            _texts(self.ranks[:, last], as_int=True),
            _texts(self.ranks_in_parent[:, last], as_int=True),
            self.flags[:, last].astype(str).tolist(),
            _texts(low, as_int=True),
            _texts(high, as_int=True),
            level,
            band,
            notes,
        )
        head = (str(self.round_id),)
        kind = str(self.kinds[last])
        return [(*head, code, NULL, kind, *cells) for code, *cells in zip(*columns, strict=True)]


def write_results(*, round_id: int, rows: ResultRows, intervals=None) -> int:
    """Replace the round's results with `rows`; call inside a transaction.

    `intervals` may be a callable returning the rank intervals: it is called only after the
    node rows are written, so a Monte Carlo run in another thread overlaps with the writing.
    """
    table = Result._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE round_id = %s", [round_id])
        if connection.vendor == "postgresql":
            _copy(cursor, table, NODE_COLUMNS, (r for chunk in rows.node_chunks() for r in chunk))
        else:
            for chunk in rows.node_chunks():
                _insert(cursor, table, NODE_COLUMNS, chunk)
        rows.intervals = intervals() if callable(intervals) else intervals
        if connection.vendor == "postgresql":
            _copy(cursor, table, OVERALL_COLUMNS, rows.overall_rows(copy_format=True))
        else:
            _insert(cursor, table, OVERALL_COLUMNS, rows.overall_rows(copy_format=False))
    return rows.count


def write_rows(cursor, table: str, columns: Sequence[str], rows: list[tuple[str, ...]]) -> None:
    """Insert ready-made text rows (NULL as \\N): COPY on PostgreSQL, executemany elsewhere.

    For the compute step's other derived tables (peer statistics, standings).
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(cursor, table, columns, rows)
    else:
        _insert(cursor, table, columns, rows)


def _copy(cursor, table: str, columns: Sequence[str], rows) -> None:
    """COPY rows of ready-made text cells (NULL as \\N)."""
    # The raw psycopg cursor bypasses Django's error translation; restore it so callers see
    # django.db.IntegrityError and friends whatever the backend.
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        buffer: list[str] = []
        for row in rows:
            buffer.append("\t".join(row))
            if len(buffer) >= 20_000:
                copy.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            copy.write("\n".join(buffer) + "\n")


def _insert(cursor, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
        [tuple(None if cell == NULL else cell for cell in row) for row in rows],
    )
