"""E-mail through Django's e-mail framework: one message per notification for those who asked
for it at once, and the daily digest of the unread ones.

The backend is settings.EMAIL_BACKEND: the console by default (messages are printed, nothing
leaves the machine), SMTP when the environment says so (README "Notifications and e-mail").
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from assessment.notifications.models import Notification

logger = logging.getLogger(__name__)

#: Notifications ids marked as in a digest per UPDATE (a bounded list of parameters).
MARK_CHUNK = 500


def absolute(url: str) -> str:
    """A link readable outside the site: SITE_URL before a path of ours."""
    if url.startswith("/") and not url.startswith("//"):
        return settings.SITE_URL.rstrip("/") + url
    return url


def _footer() -> str:
    return _(
        "You receive this from %(site)s. Choose what you receive under Notifications → "
        "Preferences: %(link)s"
    ) % {"site": settings.SITE_TITLE, "link": absolute(reverse("assessment:notifications"))}


def immediate(address: str, *, title: str, body: str, url: str) -> EmailMessage:
    parts = [body.strip()] if body.strip() else []
    if url:
        parts.append(absolute(url))
    parts.append("-- \n" + _footer())
    return EmailMessage(subject=title, body="\n\n".join(parts), to=[address])


def send(messages: Sequence[EmailMessage]) -> int:
    """Send over one connection; a mail server that fails is logged, never raised (the
    notifications are stored whatever happens to the e-mail)."""
    if not messages:
        return 0
    try:
        with get_connection() as connection:
            return connection.send_messages(list(messages)) or 0
    except Exception:  # SMTP down, refused, timed out: logged, the action stands
        logger.exception("Sending %s notification e-mail(s) failed", len(messages))
        return 0


def digest_candidates(now: datetime):
    """Unread notifications of the last day not yet in a digest, of active people with an
    e-mail address who did not turn the digest off, by person, newest first."""
    return (
        Notification.objects.filter(
            read_at__isnull=True,
            digested_at__isnull=True,
            created_at__gt=now - timedelta(days=1),
            created_at__lte=now,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .exclude(recipient__notification_preference__daily_digest=False)
        .select_related("recipient")
        .order_by("recipient_id", "-created_at", "-id")
    )


def digest_message(address: str, items: list[Notification]) -> EmailMessage:
    lines = []
    for item in items:
        lines.append(f"· {localtime(item.created_at):%Y-%m-%d %H:%M}  {item.title}")
        if item.body:
            lines.append("  " + item.body.strip().replace("\n", "\n  "))
        if item.url:
            lines.append("  " + absolute(item.url))
    subject = _("%(count)s unread notification(s) of the last day") % {"count": len(items)}
    body = "\n".join(lines) + "\n\n-- \n" + _footer()
    return EmailMessage(subject=subject, body=body, to=[address])


def send_digests(now: datetime | None = None) -> int:
    """One e-mail per person with their unread notifications of the last day (none for
    someone with nothing new). Each notification is in one digest at most. The number of
    e-mails sent."""
    now = now or timezone.now()
    by_person: dict[int, list[Notification]] = {}
    for item in digest_candidates(now):
        by_person.setdefault(item.recipient_id, []).append(item)
    messages = [digest_message(items[0].recipient.email, items) for items in by_person.values()]
    sent = send(messages)
    if messages and not sent:
        return 0  # nothing marked: the next run tries again
    ids = [item.pk for items in by_person.values() for item in items]
    for start in range(0, len(ids), MARK_CHUNK):
        Notification.objects.filter(pk__in=ids[start : start + MARK_CHUNK]).update(digested_at=now)
    return sent
