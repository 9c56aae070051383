"""What a person is told (a Notification) and how they want to be told (their preference).

A notification is a row per recipient, written in bulk by `services.notify`: its title and
body are plain text in the site's language, so the list, the navigation count and the e-mails
never join another app's tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SUBMISSION_RETURNED = "submission_returned", _("Submission returned")
    SUBMISSION_APPROVED = "submission_approved", _("Submission approved")
    VALUES_CORRECTED = "values_corrected", _("Values corrected by verification")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    TASKS_ASSIGNED = "tasks_assigned", _("Rectification tasks assigned")
    TASK_REOPENED = "task_reopened", _("Rectification task returned")
    TASK_VERIFIED = "task_verified", _("Rectification task verified")
    TASKS_OVERDUE = "tasks_overdue", _("Rectification tasks overdue")
    PRACTICE_APPROVED = "practice_approved", _("Practice approved")
    ROUND_OPENED = "round_opened", _("Round opened")
    ROUND_CLOSED = "round_closed", _("Round closed")
    RESULTS_PROVISIONAL = "results_provisional", _("Provisional results for appeal")
    RESULTS_PUBLISHED = "results_published", _("Results published")
    DEADLINE = "deadline", _("Deadline approaching")
    CHASE = "chase", _("Reminder to submit")
    PANEL_ASSIGNED = "panel_assigned", _("Expert review cells assigned")
    PANEL_OVERDUE = "panel_overdue", _("Expert review overdue")


#: Kinds nobody can mute: a supervisor's reminder to submit (催报) must reach the region.
UNMUTABLE = frozenset({Kind.CHASE})


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the (recipient, created_at) indexes below serve every lookup
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    #: A path on this site (the page the notification is about).
    url = models.CharField(_("link"), max_length=500, blank=True)
    #: The region it is about (GB/T 2260 code), if any: only people who see it are told.
    region_code = models.CharField(_("region"), max_length=6, null=True, blank=True)
    #: Makes a notification idempotent (the deadline reminder of one day, one chase): one
    #: per recipient and key. Empty for most.
    key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    #: When the daily digest mentioned it (a digest never repeats an item).
    digested_at = models.DateTimeField(_("in a digest at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            # The navigation's unread count and the digest read only unread rows.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="one_notification_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"

    @property
    def unread(self) -> bool:
        return self.read_at is None


class Preference(models.Model):
    """How one person wants to be told. No row: the defaults below."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    email_immediately = models.BooleanField(
        _("e-mail each notification at once"),
        default=False,
        help_text=_("Otherwise notifications stay in the notification centre."),
    )
    daily_digest = models.BooleanField(
        _("daily digest by e-mail"),
        default=True,
        help_text=_("Once a day, the unread notifications of the last day in one e-mail."),
    )
    #: Kinds (Kind values) this person does not want at all: none is created for them.
    muted_kinds = models.JSONField(_("muted kinds"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
