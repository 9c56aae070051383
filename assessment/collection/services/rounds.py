"""Writes on rounds: create, change dates, open (one submission per region), close, extend."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from assessment.collection import notices
from assessment.collection.models import (
    AuditAction,
    AuditEntry,
    AuditSource,
    Extension,
    Round,
    RoundStatus,
    Submission,
)
from assessment.collection.rules import deadline_for
from assessment.regions.models import (
    OUTSIDE_NATIONAL_ASSESSMENT,
    SCHEMES_PER_ROUND,
    Classification,
    Region,
)
from indicators.models import IndicatorSystem, SystemStatus

SYSTEM_NOT_PUBLISHED = _("Only a published indicator system can be used for a round.")
DATES_ORDER = _("The closing date must be after the opening date.")
NO_LEVELS = _("Choose at least one participating level.")
CANNOT_OPEN = _("Only a draft or closed round can be opened.")
CANNOT_CLOSE = _("Only an open round can be closed.")
SETUP_LOCKED = _("System, scope and levels can only change while the round is a draft.")
NO_REGIONS = _("No region of the chosen levels lies in the scope.")
TOO_MANY_SCHEMES = _("Choose at most %(most)s classification schemes.")
EXTENSION_IN_PAST = _("The new deadline must lie in the future.")
EXTENSION_NEEDS_REASON = _("Give the reason for the extension.")
EXTENSION_ROUND_STATE = _("Extensions can only be granted while the round is open.")


def _check(*, system, levels, opens_at, closes_at) -> None:
    if system.status != SystemStatus.PUBLISHED:
        raise ValidationError({"system": SYSTEM_NOT_PUBLISHED})
    if not levels:
        raise ValidationError({"levels": NO_LEVELS})
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError({"closes_at": DATES_ORDER})


@transaction.atomic
def round_create(
    *,
    system: IndicatorSystem,
    name: str,
    period: str,
    scope: Region | None,
    levels: list[str],
    opens_at: datetime | None,
    closes_at: datetime | None,
    previous: Round | None = None,
    task_threshold: float = 60.0,
    monthly: bool = False,
    excluded: list[str] | None = None,
    included: list[str] | None = None,
    classifications: list[Classification] | None = None,
) -> Round:
    """A draft round; submissions are created when it opens.

    `excluded` defaults to the national preset's exclusions (台湾, 香港, 澳门) for a nationwide
    round and to nothing for a scoped one."""
    _check(system=system, levels=levels, opens_at=opens_at, closes_at=closes_at)
    if excluded is None:
        excluded = list(OUTSIDE_NATIONAL_ASSESSMENT) if scope is None else []
    _check_classifications(classifications)
    round_ = Round.objects.create(
        system=system,
        name=name,
        period=period,
        scope=scope,
        levels=list(levels),
        excluded=list(excluded),
        included=list(included or []),
        opens_at=opens_at,
        closes_at=closes_at,
        previous=previous,
        task_threshold=task_threshold,
        monthly=monthly,
    )
    if classifications:
        round_.classifications.set(classifications)
    return round_


def _check_classifications(classifications) -> None:
    if classifications and len(classifications) > SCHEMES_PER_ROUND:
        raise ValidationError({"classifications": TOO_MANY_SCHEMES % {"most": SCHEMES_PER_ROUND}})


@transaction.atomic
def round_update(*, round: Round, **changes) -> Round:
    """Change a round's name, dates and (while it is a draft) system, scope and levels."""
    setup = {"system", "scope", "levels", "excluded", "included"}
    if round.status != RoundStatus.DRAFT and any(
        getattr(round, key) != value for key, value in changes.items() if key in setup
    ):
        raise ValidationError(SETUP_LOCKED)
    classifications = changes.pop("classifications", None)
    _check_classifications(classifications)
    for key, value in changes.items():
        setattr(round, key, value)
    _check(
        system=round.system,
        levels=round.levels,
        opens_at=round.opens_at,
        closes_at=round.closes_at,
    )
    round.save()
    if classifications is not None:  # ranks in class follow at the next compute
        round.classifications.set(classifications)
    return round


@transaction.atomic
def round_open(*, round: Round, user) -> int:
    """Open for entry and make sure every participating region has a submission.

    One bulk insert (3,213 rows for a nationwide round); regions that already have one are
    left alone, so re-opening a closed round adds nothing. Returns the number created.
    """
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if locked.status not in (RoundStatus.DRAFT, RoundStatus.CLOSED):
        raise ValidationError(CANNOT_OPEN)
    codes = list(locked.participating_regions().values_list("code", flat=True))
    if not codes:
        raise ValidationError(NO_REGIONS)
    have = set(Submission.objects.filter(round=locked).values_list("region_id", flat=True))
    created = Submission.objects.bulk_create(
        [Submission(round=locked, region_id=code) for code in codes if code not in have],
        batch_size=1000,
    )
    locked.status = RoundStatus.OPEN
    locked.save(update_fields=["status"])
    round.status = RoundStatus.OPEN
    notices.on_round_opened(locked)
    return len(created)


@transaction.atomic
def round_close(*, round: Round, user) -> Round:
    """Stop entry for everyone, extensions included (review and approval go on)."""
    updated = Round.objects.filter(pk=round.pk, status=RoundStatus.OPEN).update(
        status=RoundStatus.CLOSED
    )
    if updated != 1:
        raise ValidationError(CANNOT_CLOSE)
    round.status = RoundStatus.CLOSED
    notices.on_round_closed(round)
    return round


@transaction.atomic
def extension_grant(*, submission: Submission, user, closes_at: datetime, reason: str) -> Extension:
    """Give one region a later deadline; granting again moves it. Audited with the reason."""
    if submission.round.status != RoundStatus.OPEN:
        raise ValidationError(EXTENSION_ROUND_STATE)
    if not reason.strip():
        raise ValidationError({"reason": EXTENSION_NEEDS_REASON})
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": EXTENSION_IN_PAST})
    current = Submission.objects.select_related("round", "extension").get(pk=submission.pk)
    before = deadline_for(current)
    extension, _created = Extension.objects.update_or_create(
        submission=current,
        defaults={"closes_at": closes_at, "reason": reason.strip(), "granted_by": user},
    )
    AuditEntry.objects.create(
        submission=current,
        actor=user,
        action=AuditAction.EXTENSION,
        source=AuditSource.ADMIN,
        old=_local(before) if before else "",
        new=_local(closes_at),
        reason=reason.strip(),
        version=current.version,
    )
    return extension


def _local(moment: datetime) -> str:
    return localtime(moment).strftime("%Y-%m-%d %H:%M")
