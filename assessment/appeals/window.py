"""The appeal window in working days (工作日): Chinese public holidays are days off and the
adjusted working days (调休, a Saturday or Sunday worked to bridge a holiday) count, from the
`chinesecalendar` package's tables.

The window opens when provisional results are published and ends at 24:00 (Asia/Shanghai) of
the Nth working day after the publication day. For a year the package has no table for yet
(it is updated when the State Council announces the next year's holidays, each November),
Monday to Friday are taken as working days; `days_off_known` says whether that happened.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 30


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the tables do not cover yet
        return day.weekday() < 5


def days_off_known(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def window_end(published: datetime, working_days: int) -> datetime:
    """The instant the window closes: 24:00 Shanghai time of the Nth working day after the
    (Shanghai) day of `published`."""
    if not 1 <= working_days <= MAX_DAYS:
        raise ValueError(f"working_days must be 1..{MAX_DAYS}, got {working_days}")
    day = published.astimezone(SHANGHAI).date()
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=SHANGHAI)


def last_day(closes_at: datetime) -> date:
    """The last (Shanghai) day on which an appeal may be filed."""
    return (closes_at.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()
