"""The rules for one raw value, shared by the entry form and the import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessment.collection.services.values import canonical, parse_value, review_flag
from indicators.models import Indicator


@pytest.fixture
def leaf(default_system):
    def get(code: str) -> Indicator:
        return default_system.indicators.get(code=code)

    return get


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("85.5", Decimal("85.5")),
        (" 85.50 ", Decimal("85.50")),
        ("８５．５", Decimal("85.5")),  # full-width digits from a Chinese IME
        ("８５．５％", Decimal("85.5")),
        ("85.5%", Decimal("85.5")),
        ("\u00a085.5 ", Decimal("85.5")),  # a no-break space pasted from a web page
        ("+85", Decimal(85)),
        (".5", Decimal("0.5")),
        ("85.", Decimal(85)),
        (85, Decimal(85)),
        (85.1, Decimal("85.1")),  # a float cell, without binary noise
        ("", None),
        (None, None),
    ],
)
def test_percentages_accept_what_people_type(leaf, raw, expected):
    assert parse_value(leaf("DS.1.1"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("abc", "not_a_number"),
        ("100.5", "too_high"),
        ("-1", "too_low"),
        ("NaN", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("1.1234567", "too_precise"),
        (float("nan"), "not_a_number"),
        ("8,5", "ambiguous_comma"),  # 8.5 or 85? refused, not guessed
        ("8,55", "ambiguous_comma"),
        ("８，５", "ambiguous_comma"),
        ("²", "not_a_number"),  # superscript two: NFKC would have made it 2
        ("8²", "not_a_number"),
        ("٨٥", "not_a_number"),  # Arabic-Indic digits
        ("1e2", "not_a_number"),  # exponents are not how people write a percentage
        ("1e999999999", "not_a_number"),
        ("0x1A", "not_a_number"),
        ("1_000", "not_a_number"),
        ("12,34,567", "not_a_number"),
        (True, "logical"),  # a TRUE cell in a percentage column
        (False, "logical"),
    ],
)
def test_percentages_refuse_the_rest(leaf, raw, code):
    with pytest.raises(ValidationError) as error:
        parse_value(leaf("DS.1.1"), raw)
    assert error.value.code == code


def test_bounds_come_from_the_indicator(leaf):
    with pytest.raises(ValidationError) as error:
        parse_value(leaf("DS.2.2"), "366")  # response time in working days, 0–365
    assert "365" in error.value.messages[0]
    assert parse_value(leaf("DS.2.2"), "365") == 365


def test_counts_are_whole_and_not_negative(leaf):
    assert parse_value(leaf("DS.2.3"), "1,234") == 1234  # thousands separators are fine
    assert parse_value(leaf("DS.2.3"), "1,234,567") == 1234567
    assert parse_value(leaf("DS.2.3"), "１，２３４") == 1234
    assert parse_value(leaf("DS.2.3"), "1 234") == 1234
    with pytest.raises(ValidationError) as error:
        parse_value(leaf("DS.2.3"), "1" * 30)
    assert error.value.code == "too_big"
    for bad in ("2.5", "-3"):
        with pytest.raises(ValidationError):
            parse_value(leaf("DS.2.3"), bad)


def test_yes_no_takes_words_and_numbers(leaf):
    yesno = leaf("PP.2.3")
    assert parse_value(yesno, "是") == 1
    assert parse_value(yesno, "否") == 0
    assert parse_value(yesno, True) == 1
    assert parse_value(yesno, "1") == 1
    for bad in ("2", "maybe", 0.5):
        with pytest.raises(ValidationError):
            parse_value(yesno, bad)


def test_rubric_levels_are_0_to_5(leaf):
    rubric = leaf("DS.5.1")
    assert parse_value(rubric, "L3") == 3
    assert parse_value(rubric, "5") == 5
    assert parse_value(rubric, "Ｌ４") == 4
    for bad in ("6", "L7", "2.5", "高", "L²", True):
        with pytest.raises(ValidationError):
            parse_value(rubric, bad)


def test_review_flags(leaf):
    assert review_flag(leaf("DS.1.3"), Decimal("29.9")) == "below"
    assert review_flag(leaf("DS.1.3"), Decimal(30)) is None
    assert review_flag(leaf("SV.4.3"), Decimal("99.95")) == "above"
    assert review_flag(leaf("SV.4.3"), Decimal("99.9")) is None
    assert review_flag(leaf("SV.4.3"), None) is None


def test_canonical_text_has_no_trailing_zeros_or_exponent():
    assert canonical(Decimal("85.500000")) == "85.5"
    assert canonical(Decimal("100")) == "100"
    assert canonical(Decimal("1E+2")) == "100"
    assert canonical(Decimal("0.000")) == "0"
    assert canonical(None) == ""
