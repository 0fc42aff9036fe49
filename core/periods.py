"""Periods counted in years, as the Civil Code counts them (民法典第二百零一条、第二百零二条).

A period of N years from an event does not count the event's day; its last day is the day with the
same number N years on, or the month's last day where that day does not exist (29 February).
"""

import calendar
from datetime import date


def add_years(start: date, years: int) -> date:
    """The same day `years` on, clamped to the month's end (2024-02-29 + 3 years = 2027-02-28)."""
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return date(year, start.month, day)


def last_day_of_years(start: date, years: int) -> date:
    """The last day of a period of `years` counted from `start` (Art. 24's 三年内, Art. 20's 每3年)."""
    return add_years(start, years)


def add_months(day: date, n: int) -> date:
    """The first day of the month `n` months after the month of `day` (a plan's months, Art. 20)."""
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    """The last day of the month of `day`."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
