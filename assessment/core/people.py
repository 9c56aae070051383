"""How people are named on reports and pages: the full name when it is set (Chinese order,
张三, when both parts are Chinese), else the user name. In core so every layer names people
alike (reports, rectification owners, verification history)."""

from __future__ import annotations

import unicodedata


def person_name(user) -> str:
    """A user as a report names them."""
    if user is None:
        return ""
    return full_name(user.get_username(), user.first_name, user.last_name)


def full_name(username: str, first: str | None, last: str | None) -> str:
    """`person_name` from the parts (a query's values)."""
    first, last = (first or "").strip(), (last or "").strip()
    if first and last and all(unicodedata.east_asian_width(ch) in "WF" for ch in first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part) or username or ""
