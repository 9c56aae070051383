"""Cells spreadsheets open safely: text that would run as a formula is neutralised."""

from __future__ import annotations

# Text a spreadsheet would run as a formula or a DDE command if it led a cell.
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text for a cell, neutralised: a leading = + - @ tab or CR gets a ' in front of it."""
    text = str(text)
    return "'" + text if text.startswith(_FORMULA_LEADS) else text
