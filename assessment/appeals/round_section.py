"""Provisional results and appeals on the administrator's round page (collection/round_page.py):
publish provisional results once computed; the window, the appeals by status."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest

from assessment.appeals.forms import ProvisionalForm
from assessment.appeals.models import Appeal, AppealStatus
from assessment.appeals.services import window_is_open
from assessment.appeals.window import last_day
from assessment.collection.models import Round, RoundStatus
from assessment.collection.round_page import RoundSection


def appeals_section(request: HttpRequest, round_: Round) -> dict | None:
    publishable = round_.status == RoundStatus.CLOSED and round_.computed_at is not None
    if not publishable and round_.provisional_at is None:
        return None
    counts = dict.fromkeys(AppealStatus.values, 0)
    if round_.provisional_at is not None:
        rows = Appeal.objects.filter(round=round_).values("status").annotate(n=Count("pk"))
        counts.update({row["status"]: row["n"] for row in rows})
    return {
        "form": ProvisionalForm(),
        "counts": counts,
        "window_open": window_is_open(round_),
        "last_day": last_day(round_.appeals_close_at) if round_.appeals_close_at else None,
    }


SECTION = RoundSection("appeals/_round_appeals.html", appeals_section)
