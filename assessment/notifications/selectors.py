"""Reads of one person's notifications (each a known number of queries)."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Page, Paginator

from assessment.notifications.models import Kind, Notification, Preference

PER_PAGE = 30


def unread_count(user) -> int:
    """One COUNT on the (recipient, unread) partial index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_page(user, number) -> Page:
    """The user's notifications, newest first (a count and a page)."""
    mine = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return Paginator(mine, PER_PAGE).get_page(number)


def preference_of(user) -> Preference:
    """The stored preference, or the defaults (unsaved)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def kind_choices() -> list[tuple[str, str]]:
    return list(Kind.choices)


class UnreadCount:
    """The navigation's count: one COUNT, run only if a template shows it and at most once
    per request (the object is kept on the request)."""

    LIMIT = 99

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def value(self) -> int:
        return unread_count(self.user)

    @property
    def label(self) -> str:
        return f"{self.LIMIT}+" if self.value > self.LIMIT else str(self.value)

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        return str(self.value)


def unread_for_request(request) -> UnreadCount:
    counter = getattr(request, "_notifications_unread", None)
    if counter is None:
        counter = UnreadCount(request.user)
        request._notifications_unread = counter
    return counter
