"""The appeal window in working days, across holidays and adjusted working days (no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from assessment.appeals.window import SHANGHAI, days_off_known, last_day, window_end


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_five_working_days_from_a_monday_end_on_the_next_monday_at_midnight():
    closes = window_end(at("2026-12-07 10:00"), 5)  # Monday
    assert closes == at("2026-12-15 00:00")  # Tue 8 … Mon 14 (Sat and Sun off)
    assert last_day(closes) == date(2026, 12, 14)


def test_the_national_day_holiday_does_not_count_and_its_adjusted_saturday_does():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are working days.
    closes = window_end(at("2025-09-30 18:00"), 3)
    # 1–8 Oct off → Thu 9, Fri 10, Sat 11 (adjusted working day) are the three days.
    assert last_day(closes) == date(2025, 10, 11)
    assert closes == at("2025-10-12 00:00")


def test_a_window_opened_on_the_adjusted_sunday_before_the_holiday():
    closes = window_end(at("2025-09-28 09:00"), 2)  # Sunday worked; next: Mon 29, Tue 30
    assert last_day(closes) == date(2025, 9, 30)


def test_the_spring_festival_of_2026():
    # 2026: 15–23 February off; Saturday 14 and Saturday 28 February are working days.
    closes = window_end(at("2026-02-13 12:00"), 2)  # Friday
    assert last_day(closes) == date(2026, 2, 24)  # Sat 14 worked, then Tue 24 after the break


def test_publication_late_in_the_evening_utc_counts_from_the_shanghai_day():
    from datetime import UTC

    published = datetime(2026, 12, 6, 17, 30, tzinfo=UTC)  # Monday 01:30 in Shanghai
    assert last_day(window_end(published, 1)) == date(2026, 12, 8)


def test_a_year_without_a_table_falls_back_to_weekdays():
    assert not days_off_known(date(2099, 1, 1)) and days_off_known(date(2026, 1, 1))
    assert last_day(window_end(at("2099-01-02 10:00"), 1)) == date(2099, 1, 5)  # Fri → Mon


@pytest.mark.parametrize("days", [0, -1, 31])
def test_the_number_of_days_is_bounded(days):
    with pytest.raises(ValueError, match="working_days"):
        window_end(at("2026-12-07 10:00"), days)
