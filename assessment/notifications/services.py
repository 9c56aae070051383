"""Telling people: in-app notifications in bulk, e-mail by preference, marking as read.

Callers (each app's notices.py) pass plain data: who (a user queryset, region codes whose
staff are told, or a round's scope), a kind, a title, a text and a link. Every delivery is
one query for the recipients with their e-mail address and preferences, and one bulk insert,
however many recipients (a nationwide round's 3,211 regions included). E-mail to those who
asked for it at once goes out when the transaction commits.

Call these from `after_commit`, so that an action that is rolled back tells nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from assessment.notifications import mail
from assessment.notifications.models import UNMUTABLE, Notification, Preference
from assessment.notifications.recipients import (
    WIDE_ROLES,
    scope_memberships,
    seen_part,
    staff_memberships,
)
from assessment.regions.models import Role

logger = logging.getLogger(__name__)

#: The recipient's e-mail address and preferences, read with them in the same query.
PREFERENCE_FIELDS = (
    "email",
    "notification_preference__email_immediately",
    "notification_preference__muted_kinds",
)


@dataclass(frozen=True)
class Delivery:
    """One recipient of one notification."""

    user_id: int
    region_code: str | None
    url: str
    key: str
    email: str
    immediately: bool
    muted: tuple[str, ...]


def after_commit(function: Callable, /, *args, **kwargs) -> None:
    """Run `function(*args, **kwargs)` once the current transaction commits (at once outside
    one), in the site's language: what is stored and e-mailed is read by many people. A
    failure is logged; it never undoes or breaks the action that committed."""

    def run() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            function(*args, **kwargs)

    transaction.on_commit(run, robust=True)


def notify(
    users: QuerySet | Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    region: str | None = None,
    key: str = "",
) -> int:
    """One notification to each of `users` (a user queryset, or users or their ids). The
    number created."""
    if not isinstance(users, QuerySet):
        ids = {getattr(user, "pk", user) for user in users}
        users = get_user_model().objects.filter(pk__in=sorted(ids))
    rows = users.filter(is_active=True).values_list("pk", *PREFERENCE_FIELDS)
    deliveries = [
        Delivery(pk, region, url, key, email or "", bool(now), tuple(muted or ()))
        for pk, email, now, muted in rows
    ]
    return deliver(deliveries, kind=kind, title=title, body=body)


def notify_region_staff(
    regions,
    kind: str,
    title: str,
    body: str = "",
    url_for: Callable[[str], str] | None = None,
    key_for: Callable[[str], str] | None = None,
) -> int:
    """One notification to each staff member of each of `regions` (a Region queryset or
    codes), about their own region: `url_for(code)` and `key_for(code)` give the link and the
    idempotency key of each region's notifications."""
    rows = (
        staff_memberships(regions)
        .filter(user__is_active=True)
        .values_list("user_id", "region_id", *(f"user__{name}" for name in PREFERENCE_FIELDS))
    )
    deliveries = [
        Delivery(
            user_id,
            code,
            url_for(code) if url_for else "",
            key_for(code) if key_for else "",
            email or "",
            bool(now),
            tuple(muted or ()),
        )
        for user_id, code, email, now, muted in rows
    ]
    return deliver(deliveries, kind=kind, title=title, body=body)


def notify_scope_readers(
    scope_code: str | None,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    roles: Iterable[str] = WIDE_ROLES,
) -> int:
    """One notification to each supervisor and evaluator (`roles`) who sees some of a
    round's scope, naming the part they see (one per person, however many roles)."""
    rows = (
        scope_memberships(scope_code, [role for role in roles if role != Role.STAFF])
        .filter(user__is_active=True)
        .values_list("user_id", "region_id", *(f"user__{name}" for name in PREFERENCE_FIELDS))
        .order_by("region_id")  # the widest grant first: it names the most
    )
    deliveries = {}
    for user_id, code, email, now, muted in rows:
        if user_id not in deliveries:
            deliveries[user_id] = Delivery(
                user_id,
                seen_part(code, scope_code),
                url,
                "",
                email or "",
                bool(now),
                tuple(muted or ()),
            )
    return deliver(list(deliveries.values()), kind=kind, title=title, body=body)


def deliver(deliveries: list[Delivery], *, kind: str, title: str, body: str) -> int:
    """Store the notifications in one bulk insert (leaving out muted kinds and keys already
    delivered) and e-mail those who asked for it once the transaction commits."""
    title, body = str(title)[:200], str(body)
    wanted = [d for d in _unique(deliveries) if kind in UNMUTABLE or kind not in d.muted]
    keys = sorted({d.key for d in wanted if d.key})
    if keys:
        done = set(Notification.objects.filter(key__in=keys).values_list("recipient_id", "key"))
        wanted = [d for d in wanted if (d.user_id, d.key) not in done]
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=d.user_id,
                kind=kind,
                title=title,
                body=body,
                url=d.url[:500],
                region_code=d.region_code,
                key=d.key,
                created_at=now,
            )
            for d in wanted
        ],
        batch_size=1000,
        ignore_conflicts=bool(keys),  # the same key delivered by a run a moment ago
    )
    messages = [
        mail.immediate(d.email, title=title, body=body, url=d.url)
        for d in wanted
        if d.immediately and d.email
    ]
    if messages:
        transaction.on_commit(partial(mail.send, messages), robust=True)
    return len(wanted)


def _unique(deliveries: Iterable[Delivery]) -> list[Delivery]:
    """One notification per person and key (staff of two regions chased at once get two:
    their keys differ)."""
    seen, unique = set(), []
    for delivery in deliveries:
        marker = (delivery.user_id, delivery.key or delivery.region_code)
        if marker not in seen:
            seen.add(marker)
            unique.append(delivery)
    return unique


def mark_read(user, notification_id: int) -> int:
    """The user's own notification read (0: none of theirs has this id, or it was read)."""
    return Notification.objects.filter(
        pk=notification_id, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def save_preference(
    user, *, email_immediately: bool, daily_digest: bool, muted_kinds: Iterable[str]
) -> Preference:
    muted = sorted(set(muted_kinds) - UNMUTABLE)
    preference, _created = Preference.objects.update_or_create(
        user=user,
        defaults={
            "email_immediately": email_immediately,
            "daily_digest": daily_digest,
            "muted_kinds": muted,
        },
    )
    return preference
