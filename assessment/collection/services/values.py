"""The rules for one raw value, shared by the entry form and the Excel import.

Everything that turns what a person typed (or what a cell holds) into a stored Decimal lives
here, so the form and the import can never disagree about what is valid.

Accepted number syntax (README "Entering data"): ASCII or full-width digits (a Chinese IME types
８５．５), an optional sign, a decimal point, thousands separated by commas in groups of three
(1,234.5), spaces anywhere, and a trailing % for percentages. Everything else is refused with a
message rather than guessed: a comma followed by one or two digits ("8,5" is 8.5 in much of
Europe and 85 to a thousands-separator reader), exponents, other scripts' digits and
superscripts ("٣", "²"), and TRUE/FALSE in a number column.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, ValueType

NOT_A_NUMBER = _("Enter a number, e.g. 85.5.")
NOT_WHOLE = _("Enter a whole number.")
NOT_YESNO = _("Choose yes or no (1 or 0).")
NOT_RUBRIC = _("Choose a level from L0 to L5.")
TOO_LOW = _("Must be at least %(limit)s.")
TOO_HIGH = _("Must be at most %(limit)s.")
TOO_PRECISE = _("At most 6 decimal places.")
TOO_BIG = _("The number is too large.")
WRONG_TYPE = _("Expected a number, found %(found)s.")
LOGICAL = _("Expected a number, found TRUE/FALSE: enter the number itself.")
AMBIGUOUS_COMMA = _(
    "“%(text)s” is ambiguous: write decimals with a point (8.5); a comma only separates "
    "thousands, in groups of three digits (1,234)."
)

FLAG_BELOW = "below"
FLAG_ABOVE = "above"

YES_WORDS = {"1", "yes", "y", "true", "是", "有", "√", "✓"}
NO_WORDS = {"0", "no", "n", "false", "否", "无", "×", "✗"}
# Value.value is DECIMAL(20, 6): 14 digits before the point.
LARGEST = Decimal("1e14")

# Full-width ASCII forms (U+FF01–FF5E: ８５．５％, －, ，) and the ideographic space, as ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}", re.ASCII)


def canonical(value: Decimal | None) -> str:
    """The text a value is compared and audited as: '' for empty, no trailing zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def parse_value(indicator: Indicator, raw: object) -> Decimal | None:
    """Convert typed text (or a cell value) to a Decimal within the indicator's bounds.

    Empty means "no value". Raises ValidationError with a user-facing message otherwise.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):  # a TRUE/FALSE cell: a yes/no answer, never a number
        if indicator.value_type != ValueType.YESNO:
            raise ValidationError(LOGICAL, code="logical")
        number = Decimal(int(raw))
    elif isinstance(raw, int | float | Decimal):
        number = _from_number(raw)
    elif isinstance(raw, str):
        number = _from_text(indicator, raw)
        if number is None:
            return None
    else:
        raise ValidationError(WRONG_TYPE, code="wrong_type", params={"found": type(raw).__name__})
    return check_value(indicator, number)


def check_value(indicator: Indicator, number: Decimal) -> Decimal:
    """Type and bounds of an already numeric value."""
    if not number.is_finite():
        raise ValidationError(NOT_A_NUMBER, code="not_a_number")
    if abs(number) >= LARGEST:
        raise ValidationError(TOO_BIG, code="too_big")
    if number != number.quantize(Decimal("0.000001")):
        raise ValidationError(TOO_PRECISE, code="too_precise")
    kind = indicator.value_type
    if kind in (ValueType.COUNT, ValueType.RUBRIC, ValueType.YESNO) and number != int(number):
        raise ValidationError(
            {
                ValueType.COUNT: NOT_WHOLE,
                ValueType.RUBRIC: NOT_RUBRIC,
                ValueType.YESNO: NOT_YESNO,
            }[kind],
            code="not_whole",
        )
    if kind == ValueType.YESNO and number not in (0, 1):
        raise ValidationError(NOT_YESNO, code="not_yesno")
    if kind == ValueType.RUBRIC and not 0 <= number <= 5:
        raise ValidationError(NOT_RUBRIC, code="not_rubric")
    if indicator.min_value is not None and number < indicator.min_value:
        raise ValidationError(
            TOO_LOW, code="too_low", params={"limit": canonical(indicator.min_value)}
        )
    if indicator.max_value is not None and number > indicator.max_value:
        raise ValidationError(
            TOO_HIGH, code="too_high", params={"limit": canonical(indicator.max_value)}
        )
    if kind == ValueType.COUNT and number < 0:
        raise ValidationError(TOO_LOW, code="too_low", params={"limit": "0"})
    return number


def _from_number(raw: int | float | Decimal) -> Decimal:
    if isinstance(raw, float):
        # repr-based conversion: 85.1 stays 85.1, not 85.0999999999999943…
        return Decimal(repr(raw)) if raw == raw and abs(raw) != float("inf") else Decimal("NaN")
    return Decimal(raw)


def _from_text(indicator: Indicator, raw: str) -> Decimal | None:
    text = _SPACES.sub("", raw.translate(_FULL_WIDTH)).strip()
    if not text:
        return None
    kind = indicator.value_type
    if kind == ValueType.YESNO:
        # NFKC folds the remaining compatibility forms of the words (e.g. ✓ variants).
        lowered = unicodedata.normalize("NFKC", text).lower()
        if lowered in YES_WORDS:
            return Decimal(1)
        if lowered in NO_WORDS:
            return Decimal(0)
        raise ValidationError(NOT_YESNO, code="not_yesno")
    if kind == ValueType.RUBRIC and text[:1] in "lL" and text[1:].isascii():
        text = text[1:]
    if kind == ValueType.PERCENT and text.endswith("%"):
        text = text[:-1]
    if _DECIMAL_COMMA.fullmatch(text):
        raise ValidationError(
            AMBIGUOUS_COMMA, code="ambiguous_comma", params={"text": raw.strip()[:30]}
        )
    if not _NUMBER.fullmatch(text):
        raise ValidationError(
            NOT_RUBRIC if kind == ValueType.RUBRIC else NOT_A_NUMBER, code="not_a_number"
        )
    return Decimal(text.replace(",", ""))


def review_flag(indicator: Indicator, value: Decimal | None) -> str | None:
    """'below' or 'above' when a value crosses the indicator's review thresholds."""
    if value is None:
        return None
    if indicator.review_below is not None and value < indicator.review_below:
        return FLAG_BELOW
    if indicator.review_above is not None and value > indicator.review_above:
        return FLAG_ABOVE
    return None
