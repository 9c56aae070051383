"""The rectification notice (整改通知): what a published round tells one region to rectify.

Real programmes send each region one notice per round listing its findings, not one letter per
weak indicator. A notice is therefore the (round, region) pair of a region's tasks: its items
are the tasks with that round and region (each still answered, marked done and verified on its
own), and its overall status follows from theirs (`notice_status`; stored on the notice, kept
current by the task services, so lists filter and count notices by status in the database).
The notice stores its number within the round and when it was issued; its due date is its
items' latest (a supervisor may move one item's date). Tasks
carry no key to it: the
(round, region) index of the task table already finds a notice's items, and a national round's
90,000 tasks would each carry a redundant column.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment.collection.models.rounds import Round
from assessment.rectification.models.tasks import COMPLETE, RectificationTask, TaskStatus
from assessment.regions.models import Region


class NoticeStatus(models.TextChoices):
    """A notice's overall status, from its items' statuses (`notice_status`)."""

    ISSUED = "issued", _("Issued")  # no item answered yet
    IN_PROGRESS = "in_progress", _("Being rectified")
    AWAITING = "awaiting", _("Awaiting verification")  # every item done, some not verified
    CLOSED = "closed", pgettext_lazy("notice status", "Closed")  # 销号: every item verified


def notice_status(counts: Mapping[str, int]) -> NoticeStatus:
    """The overall status of a notice whose items have these statuses (status → count).

    Every item verified: closed; every item done or verified: awaiting verification; nothing
    answered yet (all open): issued; anything else (an answer, a reopened item): in progress.
    A notice without items counts as closed: nothing is left to do."""
    total = sum(counts.values())
    if counts.get(TaskStatus.VERIFIED, 0) == total:
        return NoticeStatus.CLOSED
    if sum(counts.get(status, 0) for status in COMPLETE) == total:
        return NoticeStatus.AWAITING
    if counts.get(TaskStatus.OPEN, 0) == total:
        return NoticeStatus.ISSUED
    return NoticeStatus.IN_PROGRESS


class RectificationNotice(models.Model):
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="rectification_notices",
        db_index=False,  # the (round, region) and (round, number) constraints index it
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="rectification_notices",
    )
    #: 1, 2, 3 … within the round, in the order the notices were issued (region code order
    #: at publication).
    number = models.PositiveIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        help_text=_("Empty when the notice was issued at publication."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED
    )

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "region"], name="one_notice_per_region"),
            models.UniqueConstraint(fields=["round", "number"], name="notice_number_in_round"),
        ]
        indexes = [models.Index(fields=["round", "status"], name="notice_round_status")]

    def __str__(self) -> str:
        return f"{self.round} · {self.region} · {self.reference}"

    @property
    def reference(self) -> str:
        """The number as printed on the notice, e.g. "整改通知第 007 号"."""
        return _("Rectification notice No. %(number)s") % {"number": f"{self.number:03d}"}

    def items(self) -> models.QuerySet[RectificationTask]:
        """The notice's tasks, in the indicator system's order."""
        return RectificationTask.objects.filter(
            round_id=self.round_id, region_id=self.region_id
        ).order_by("indicator__order", "id")
