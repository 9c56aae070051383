"""Builders for data-collection tests: an open Zhejiang round, complete submissions, uploads.

Evidence and imports are written to a temporary MEDIA_ROOT, never into the project folder.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.collection.models import Round, Submission, Value
from assessment.collection.services.entry import EntryInput, submission_save
from assessment.collection.services.values import canonical
from indicators.models import ValueType
from tests.assessment.builders import make_open_round
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_round(default_system, regions) -> Round:
    """Zhejiang's cities and counties (101 submissions), open for another 30 days."""
    return make_open_round(default_system)


@pytest.fixture
def xihu(open_round) -> Submission:
    return Submission.objects.select_related("round", "region").get(
        round=open_round, region_id="330106"
    )


@pytest.fixture
def other_staff(regions):
    """Staff of 东城区 in Beijing: outside every Zhejiang round."""
    return make_user("staff-110101", "110101", "staff")


def entry_url(submission) -> str:
    return reverse("assessment:entry", args=[submission.round_id, submission.region_id])


def value_of(submission, code: str):
    row = Value.objects.filter(submission=submission, indicator__code=code).first()
    return row.value if row else None


def leaves_of(submission):
    return list(submission.round.system.indicators.exclude(value_type="").order_by("order"))


def good_value(leaf) -> Decimal:
    """A valid value for any leaf (inside bounds, not flagged)."""
    if leaf.value_type == ValueType.YESNO:
        return Decimal(1)
    if leaf.value_type == ValueType.RUBRIC:
        return Decimal(3)
    if leaf.value_type == ValueType.COUNT:
        return Decimal(0) if leaf.max_value is not None else Decimal(12)
    return Decimal(50)


def fill(submission, user, *, evidence: bool = True, skip: tuple[str, ...] = ()) -> None:
    """Every value (except `skip`), and a link for every leaf that needs evidence."""
    data = EntryInput()
    for leaf in leaves_of(submission):
        if leaf.code in skip:
            continue
        data.values[leaf.pk] = good_value(leaf)
        if evidence and leaf.evidence_required:
            data.links[leaf.pk] = [f"https://data.example.gov.cn/{leaf.code}"]
    submission.refresh_from_db()
    submission_save(submission=submission, user=user, base_version=submission.version, data=data)
    submission.refresh_from_db()


def form_data(submission, fields: dict[str, str] | None = None, **extra) -> dict[str, str]:
    """A POST body as the browser sends it: every value and note as stored, the version, and
    the given `fields` (e.g. {"value-DS.1.1": "85"}) on top."""
    submission.refresh_from_db()
    stored = {v.indicator_id: v for v in submission.values.all()}
    data = {"version": str(submission.version), "action": "save"}
    for leaf in leaves_of(submission):
        value = stored.get(leaf.pk)
        data[f"value-{leaf.code}"] = canonical(value.value) if value else ""
        data[f"note-{leaf.code}"] = value.note if value else ""
    data.update(fields or {})
    data.update(extra)
    return data


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
