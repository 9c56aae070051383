"""Aggregating a raw platform log into per-region values: small hand-checked files in memory,
no database. Each expected value is worked out in the test's comment."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest

from assessment.feeds.aggregation import (
    MAX_PROBLEMS,
    Aggregation,
    Condition,
    FeedSpec,
    Op,
    aggregate,
    parse_date,
    parse_number,
)

KNOWN = frozenset({"330106", "330108", "330203"})
CODE, DAY, GRADE = "行政区划代码", "评价日期", "评价等级"
GOOD = Condition(GRADE, Op.IN, "非常满意,满意")

RATINGS = [
    f"{CODE},{DAY},{GRADE}",
    "330106,2024-01-02,非常满意",  # 330106: 3 ratings, 2 good
    "330106,2024-01-15,不满意",
    "330106,2024-02-01,满意",
    "330108,2024-01-20,基本满意",  # 330108: 2 ratings, 1 good
    "330108,2024-03-01,满意",
    "330203,2024-02-10,非常不满意",  # 330203: 1 rating, none good
]


def log(lines: list[str], *, encoding: str = "utf-8", newline: str = "\n") -> io.BytesIO:
    return io.BytesIO((newline.join(lines) + newline).encode(encoding))


def run(lines: list[str], spec: FeedSpec, **kwargs) -> object:
    kwargs.setdefault("known_codes", KNOWN)
    return aggregate(log(lines), spec, **kwargs)


def where(result) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in result.problems]


# --- each aggregation kind -------------------------------------------------------------------


def test_rate_is_the_percentage_of_rows_meeting_the_condition():
    result = run(RATINGS, FeedSpec(Aggregation.RATE, CODE, condition=GOOD))
    assert result.values == {
        "330106": Decimal("66.666667"),  # 2 / 3, rounded half up
        "330108": Decimal("50.000000"),
        "330203": Decimal("0.000000"),
    }
    assert str(result.values["330106"]) == "66.666667"
    assert (result.rows, result.used, result.skipped, result.problem_count) == (6, 6, 0, 0)
    assert result.per_region_rows == {"330106": 3, "330108": 2, "330203": 1}


def test_count_counts_rows_and_a_condition_filters_them():
    result = run(RATINGS, FeedSpec(Aggregation.COUNT, CODE))
    assert result.values == {"330106": Decimal(3), "330108": Decimal(2), "330203": Decimal(1)}
    assert result.used == 6

    bad = Condition(GRADE, Op.IN, "不满意,非常不满意")
    result = run(RATINGS, FeedSpec(Aggregation.COUNT, CODE, condition=bad))
    # 330108 is in the file with no bad rating: its count is 0, not missing.
    assert result.values == {"330106": Decimal(1), "330108": Decimal(0), "330203": Decimal(1)}
    assert result.used == 2
    assert result.per_region_rows == {"330106": 3, "330108": 2, "330203": 1}
    assert result.problems == []


CALLS = [
    "region,date,calls",
    "330106,2024-01-01,10",
    "330106,2024-01-02,20",
    "330106,2024-01-03,35",  # 330106: 65 in 3 rows, mean 21.666…
    '330108,2024-01-01,"1,234.5"',
    "330108,2024-01-02,0.1",
    "330108,2024-01-03,0.2",  # 330108: 1234.8 in 3 rows, mean 411.6
]


def test_sum_and_mean_of_a_value_column():
    result = run(CALLS, FeedSpec(Aggregation.SUM, "region", value_column="calls"))
    assert result.values == {"330106": Decimal("65"), "330108": Decimal("1234.8")}
    assert result.values["330108"] == Decimal("1234.800000")  # no float noise (0.1 + 0.2)

    result = run(CALLS, FeedSpec(Aggregation.MEAN, "region", value_column="calls"))
    assert result.values == {"330106": Decimal("21.666667"), "330108": Decimal("411.6")}
    assert result.problems == []


def test_mean_with_a_filter_averages_only_the_rows_meeting_it():
    spec = FeedSpec(
        Aggregation.MEAN, "region", value_column="calls", condition=Condition("calls", Op.GE, "1")
    )
    result = run(CALLS, spec)
    # 330106: (10 + 20 + 35) / 3; 330108: only 1234.5 is >= 1.
    assert result.values == {"330106": Decimal("21.666667"), "330108": Decimal("1234.5")}
    assert result.used == 4


def test_values_are_rounded_half_up_to_six_places():
    lines = ["region,calls", "330106,0.0000005", "330108,0.0000004"]
    result = run(lines, FeedSpec(Aggregation.SUM, "region", value_column="calls"))
    assert result.values == {"330106": Decimal("0.000001"), "330108": Decimal("0.000000")}


def test_per_10k_divides_the_count_by_the_population():
    population = {"330106": 40_000, "330108": 1_500_000, "330203": 30_000}
    result = run(RATINGS, FeedSpec(Aggregation.PER_10K, CODE), population=population)
    assert result.values == {
        "330106": Decimal("0.75"),  # 3 / 40,000 × 10,000
        "330108": Decimal("0.013333"),  # 2 / 1,500,000 × 10,000
        "330203": Decimal("0.333333"),  # 1 / 30,000 × 10,000
    }
    assert result.problems == []


def test_per_10k_without_a_population_is_one_problem_per_region():
    population = {"330106": 40_000, "330203": 0}
    result = run(RATINGS, FeedSpec(Aggregation.PER_10K, CODE), population=population)
    assert result.values == {"330106": Decimal("0.75")}
    assert where(result) == [(0, "population"), (0, "population")]
    assert "330108" in result.problems[0].message
    assert "330203" in result.problems[1].message

    result = run(RATINGS, FeedSpec(Aggregation.PER_10K, CODE))
    assert result.values == {}
    assert result.problem_count == 3


# --- conditions ------------------------------------------------------------------------------

SCORES = ["region,score", "330106,5", "330106,10", "330106,15", "330106, 10 "]


@pytest.mark.parametrize(
    ("op", "value", "count"),
    [
        (Op.LT, "10", 1),  # 5
        (Op.LE, "10", 3),  # 5, 10, 10
        (Op.GT, "10", 1),  # 15
        (Op.GE, "10.0", 3),  # numeric: 10.0 == 10
        (Op.EQ, "10", 2),  # text, stripped: "10" and " 10 "
        (Op.EQ, "10.0", 0),  # text: "10" is not "10.0"
        (Op.NE, "10", 2),
        (Op.IN, "5,15", 2),
        (Op.IN, "5，15、10", 4),  # full-width separators
    ],
)
def test_condition_ops(op, value, count):
    spec = FeedSpec(Aggregation.COUNT, "region", condition=Condition("score", op, value))
    assert run(SCORES, spec).values == {"330106": Decimal(count)}


def test_a_rate_condition_on_numbers():
    spec = FeedSpec(Aggregation.RATE, "region", condition=Condition("score", "gt", "7"))
    assert run(SCORES, spec).values == {"330106": Decimal("75")}  # 3 of 4


def test_a_numeric_condition_on_a_bad_cell_is_a_problem():
    lines = [*SCORES, "330106,n/a"]
    spec = FeedSpec(Aggregation.COUNT, "region", condition=Condition("score", Op.GT, "7"))
    result = run(lines, spec)
    assert where(result) == [(6, "score")]
    assert "n/a" in result.problems[0].message
    assert result.values == {"330106": Decimal(3)}  # still computed for the dry run
    assert result.per_region_rows == {"330106": 4}


# --- dates -----------------------------------------------------------------------------------


def test_rows_outside_the_date_range_are_skipped():
    spec = FeedSpec(
        Aggregation.RATE,
        CODE,
        condition=GOOD,
        date_column=DAY,
        date_from=datetime.date(2024, 1, 15),
        date_to=datetime.date(2024, 2, 10),
    )
    result = run(RATINGS, spec)
    # In range (both ends included): 330106 01-15 不满意, 02-01 满意; 330108 01-20 基本满意;
    # 330203 02-10 非常不满意.
    assert result.values == {
        "330106": Decimal("50"),
        "330108": Decimal("0"),
        "330203": Decimal("0"),
    }
    assert (result.rows, result.used, result.skipped) == (6, 4, 2)
    assert result.problems == []


def test_an_open_ended_range_and_a_skipped_row_is_not_checked():
    lines = [*RATINGS, "999999,2023-12-31,满意"]  # unknown code, but before the range
    spec = FeedSpec(Aggregation.COUNT, CODE, date_column=DAY, date_from=datetime.date(2024, 2, 1))
    result = run(lines, spec)
    assert result.values == {"330106": Decimal(1), "330108": Decimal(1), "330203": Decimal(1)}
    assert result.skipped == 4
    assert result.problems == []


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("2024/03/05", datetime.date(2024, 3, 5)),
        ("2024/3/5", datetime.date(2024, 3, 5)),
        ("20240305", datetime.date(2024, 3, 5)),
        (" 2024-03-05 14:30 ", datetime.date(2024, 3, 5)),
        ("2024-03-05 14:30:59", datetime.date(2024, 3, 5)),
        ("２０２４－０３－０５", datetime.date(2024, 3, 5)),
        ("2024-02-30", None),
        ("2024-03-05 25:00", None),
        ("05/03/2024", None),
        ("2024-03", None),
        ("", None),
    ],
)
def test_date_formats(text, day):
    assert parse_date(text) == day


def test_a_bad_date_is_a_problem_on_its_line():
    lines = [*RATINGS[:3], "330106,2024-13-01,满意", "330108,yesterday,满意", *RATINGS[3:]]
    result = run(lines, FeedSpec(Aggregation.COUNT, CODE, date_column=DAY))
    assert where(result) == [(4, DAY), (5, DAY)]
    assert "2024-13-01" in result.problems[0].message
    assert "yesterday" in result.problems[1].message
    assert result.values == {"330106": Decimal(3), "330108": Decimal(2), "330203": Decimal(1)}
    assert (result.rows, result.used) == (8, 6)


# --- encodings and delimiters ----------------------------------------------------------------


def test_a_gb18030_file_reads_like_the_utf8_one():
    spec = FeedSpec(Aggregation.RATE, CODE, condition=GOOD)
    utf8 = aggregate(log(RATINGS), spec, known_codes=KNOWN)
    gbk = aggregate(log(RATINGS, encoding="gb18030"), spec, known_codes=KNOWN)
    assert gbk.problems == []
    assert gbk.values == utf8.values
    assert gbk.values["330106"] == Decimal("66.666667")


def test_a_utf8_file_with_a_bom_and_crlf_lines():
    stream = io.BytesIO(b"\xef\xbb\xbf" + "\r\n".join(RATINGS).encode() + b"\r\n")
    result = aggregate(stream, FeedSpec(Aggregation.RATE, CODE, condition=GOOD), known_codes=KNOWN)
    assert result.problems == []
    assert result.values["330106"] == Decimal("66.666667")
    assert result.rows == 6


def test_a_character_cut_at_the_end_of_the_sniffed_bytes_is_still_utf8():
    header = f"{CODE},{GRADE}\n".encode()
    row = "330106,满意\n".encode()
    filler = "330108,非常满意\n".encode()
    # Put "满" (3 bytes) across byte 65,536, where the encoding is decided.
    head = header + row * ((65_536 - len(header)) // len(row))
    pad = 65_536 - len(head) - len(b"330106,") - 1
    assert pad >= 0
    data = head + b"330106" + b" " * pad + ",满意\n".encode() + filler
    assert data[65_535:65_536] == "满".encode()[:1]
    result = aggregate(
        io.BytesIO(data), FeedSpec(Aggregation.RATE, CODE, condition=GOOD), known_codes=KNOWN
    )
    assert result.problems == []
    rows = (len(head) - len(header)) // len(row) + 1
    assert result.per_region_rows == {"330106": rows, "330108": 1}
    assert result.values == {"330106": Decimal(100), "330108": Decimal(100)}


@pytest.mark.parametrize("sep", ["\t", ";", "|"])
def test_other_delimiters_are_sniffed_from_the_header(sep):
    lines = [line.replace(",", sep) for line in RATINGS]
    result = run(lines, FeedSpec(Aggregation.RATE, CODE, condition=GOOD))
    assert result.problems == []
    assert result.values["330106"] == Decimal("66.666667")


def test_header_names_match_whatever_the_case_and_spaces():
    lines = [" Region ;Date; CALLS ", "330106;2024-01-01;7", "330106;2024-01-02;8"]
    spec = FeedSpec(Aggregation.SUM, "region", value_column="calls", date_column="DATE")
    assert run(lines, spec).values == {"330106": Decimal(15)}


def test_the_callers_stream_stays_open():
    stream = log(RATINGS)
    aggregate(stream, FeedSpec(Aggregation.COUNT, CODE), known_codes=KNOWN)
    assert not stream.closed


# --- region codes ----------------------------------------------------------------------------


def test_region_codes_in_full_width_digits_or_as_excel_numbers():
    lines = [
        f"{CODE},{GRADE}",
        "３３０１０６,满意",
        " 330106.0 ,满意",
        "330106,不满意",
        "330108.00,满意",
    ]
    result = run(lines, FeedSpec(Aggregation.RATE, CODE, condition=GOOD))
    assert result.problems == []
    assert result.values == {"330106": Decimal("66.666667"), "330108": Decimal(100)}


def test_an_unknown_or_empty_region_code_is_a_problem_on_its_line():
    lines = [*RATINGS[:2], "999999,2024-01-03,满意", "330106.5,2024-01-03,满意", ",2024-01-03,满意"]
    result = run(lines, FeedSpec(Aggregation.COUNT, CODE))
    assert where(result) == [(3, CODE), (4, CODE), (5, CODE)]
    assert "999999" in result.problems[0].message
    assert "330106.5" in result.problems[1].message
    assert result.values == {"330106": Decimal(1)}
    assert (result.rows, result.used, result.problem_count) == (4, 1, 3)


def test_blank_lines_are_skipped_and_line_numbers_still_count_them():
    lines = [RATINGS[0], "", RATINGS[1], ",,", "   ", "999999,2024-01-03,满意", ""]
    result = run(lines, FeedSpec(Aggregation.COUNT, CODE, date_column=DAY))
    assert where(result) == [(6, CODE)]
    assert result.rows == 2


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12.0),
        (" -3.5 ", -3.5),
        ("+7", 7.0),
        ("1,234,567.25", 1234567.25),
        ("１２３．５", 123.5),
        ("－８", -8.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("NaN", None),
        ("inf", None),
        ("-Infinity", None),
        ("1e3", None),
        ("1_000", None),
        ("12,34", None),
        ("", None),
        ("--1", None),
        ("١٢", None),  # Arabic-Indic digits
    ],
)
def test_number_formats(text, number):
    assert parse_number(text) == number


def test_a_bad_number_is_a_problem_on_its_line():
    lines = [*CALLS, "330106,2024-01-04,1e3", "330106,2024-01-05,NaN", "330203,2024-01-01,"]
    result = run(lines, FeedSpec(Aggregation.SUM, "region", value_column="calls"))
    assert where(result) == [(8, "calls"), (9, "calls"), (10, "calls")]
    assert "1e3" in result.problems[0].message
    assert result.values == {"330106": Decimal(65), "330108": Decimal("1234.8")}


def test_every_bad_cell_of_a_row_is_a_problem():
    lines = ["region,date,calls", "999999,someday,many"]
    spec = FeedSpec(Aggregation.SUM, "region", value_column="calls", date_column="date")
    result = run(lines, spec)
    assert where(result) == [(2, "date"), (2, "region"), (2, "calls")]
    assert result.values == {}


def test_a_short_row_is_a_problem():
    result = run(
        ["region,date,calls", "330106,2024-01-01", "330106,2024-01-02,4"],
        FeedSpec(Aggregation.SUM, "region", value_column="calls"),
    )
    assert where(result) == [(2, "")]
    assert result.values == {"330106": Decimal(4)}


# --- the file as a whole ---------------------------------------------------------------------


def test_a_missing_column_is_one_problem_on_the_header_and_no_values():
    spec = FeedSpec(Aggregation.RATE, CODE, condition=Condition("满意度", Op.EQ, "满意"))
    result = run(RATINGS, spec)
    assert where(result) == [(1, "满意度")]
    assert GRADE in result.problems[0].message  # the columns found are listed
    assert result.values == {}
    assert result.rows == 0


def test_an_empty_file_is_a_problem():
    result = aggregate(io.BytesIO(b""), FeedSpec(Aggregation.COUNT, CODE), known_codes=KNOWN)
    assert where(result) == [(1, "")]
    assert result.values == {}


def test_more_rows_than_allowed_stops_with_a_problem_and_no_values():
    spec = FeedSpec(Aggregation.COUNT, CODE)
    result = run(RATINGS, spec, max_rows=5)
    assert where(result) == [(7, "")]
    assert result.values == {}
    assert result.rows == 5

    at_limit = run([*RATINGS, ",,", ""], spec, max_rows=6)  # trailing blank rows are fine
    assert at_limit.problems == []
    assert sum(at_limit.values.values()) == 6


def test_problems_are_all_counted_and_the_first_ones_kept():
    lines = [f"{CODE},{GRADE}"] + ["999999,满意"] * (MAX_PROBLEMS + 5) + ["330106,满意"]
    result = run(lines, FeedSpec(Aggregation.COUNT, CODE))
    assert result.problem_count == MAX_PROBLEMS + 5
    assert len(result.problems) == MAX_PROBLEMS
    assert result.problems[-1].row == MAX_PROBLEMS + 1
    assert result.values == {"330106": Decimal(1)}


def test_a_quoted_cell_with_the_delimiter_and_a_line_break():
    lines = [
        f"{CODE},备注,{GRADE}",
        '330106,"好,很好",满意',
        '330106,"两行\n备注",不满意',
        "x,,满意",
    ]
    result = run(lines, FeedSpec(Aggregation.RATE, CODE, condition=GOOD))
    assert result.values == {"330106": Decimal(50)}
    assert where(result) == [(5, CODE)]  # the quoted line break is a line of the file


# --- the spec --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: FeedSpec(Aggregation.RATE, CODE),
        lambda: FeedSpec(Aggregation.MEAN, CODE),
        lambda: FeedSpec(Aggregation.SUM, CODE),
        lambda: FeedSpec(Aggregation.COUNT, ""),
        lambda: FeedSpec(Aggregation.COUNT, CODE, date_from=datetime.date(2024, 1, 1)),
        lambda: FeedSpec(
            Aggregation.COUNT,
            CODE,
            date_column=DAY,
            date_from=datetime.date(2024, 2, 1),
            date_to=datetime.date(2024, 1, 1),
        ),
        lambda: Condition(GRADE, Op.GT, "good"),
        lambda: Condition(GRADE, Op.IN, " , "),
        lambda: Condition(GRADE, "like", "x"),
        lambda: FeedSpec("median", CODE),
    ],
)
def test_an_incomplete_spec_is_refused(make):
    with pytest.raises(ValueError):  # noqa: PT011 - the messages are for developers
        make()


def test_kinds_and_ops_are_plain_strings():
    assert Aggregation("per_10k") is Aggregation.PER_10K
    assert Condition(GRADE, "in", "满意").op is Op.IN
    assert FeedSpec("rate", CODE, condition=GOOD).aggregation == "rate"


def test_a_bad_cell_is_quoted_cut_short():
    long = "9" * 200
    result = run(
        ["region,calls", f"330106,{long}", "330106,"],
        FeedSpec(Aggregation.SUM, "region", value_column="calls"),
    )
    assert where(result) == [(2, "calls"), (3, "calls")]
    assert "9" * 39 + "…" in result.problems[0].message
    assert "9" * 40 not in result.problems[0].message
    assert result.problems[1].message != result.problems[0].message  # an empty cell says so
