"""Rectification tasks and shared practices (发现→反馈→整改→共享)."""

from assessment.rectification.models.practices import (
    Practice,
    PracticeEvidence,
    PracticeInvitation,
    PracticeStatus,
)
from assessment.rectification.models.rectification_notice import (
    NoticeStatus,
    RectificationNotice,
    notice_status,
)
from assessment.rectification.models.tasks import (
    RectificationTask,
    TaskAction,
    TaskEvent,
    TaskEvidence,
    TaskOrigin,
    TaskStatus,
)

__all__ = [
    "NoticeStatus",
    "Practice",
    "PracticeEvidence",
    "PracticeInvitation",
    "PracticeStatus",
    "RectificationNotice",
    "RectificationTask",
    "TaskAction",
    "TaskEvent",
    "TaskEvidence",
    "TaskOrigin",
    "TaskStatus",
    "notice_status",
]
