"""Periods in years as the Civil Code counts them (jxjy_portal/periods.py): the same day N years on, or the
month's last day where that day does not exist — always a real date, never a day early or late."""

import calendar
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from core.periods import add_years, last_day_of_years

from .conftest import PURE

days = st.dates(min_value=date(1901, 1, 1), max_value=date(9000, 12, 31))
spans = st.integers(min_value=0, max_value=60)
leap_days = st.integers(min_value=1901, max_value=8996).filter(calendar.isleap).map(lambda y: date(y, 2, 29))


@PURE
@given(days, spans)
def test_the_result_is_a_real_date_in_the_same_month_with_the_day_clamped_to_the_months_end(start, years):
    end = add_years(start, years)
    assert isinstance(end, date)
    assert (end.year, end.month) == (start.year + years, start.month)
    assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1])


@PURE
@given(leap_days, spans)
def test_29_february_ends_on_28_february_in_a_common_year_and_on_29_in_a_leap_year(start, years):
    end = add_years(start, years)
    assert end == date(start.year + years, 2, 29 if calendar.isleap(start.year + years) else 28)


@PURE
@given(days, days, spans)
def test_a_later_start_never_gives_an_earlier_end(a, b, years):
    first, second = sorted((a, b))
    assert add_years(first, years) <= add_years(second, years)


@PURE
@given(days)
def test_three_years_on_is_1095_or_1096_days_later(start):
    assert (add_years(start, 3) - start).days in (1095, 1096)


@PURE
@given(days, spans)
def test_the_last_day_of_a_period_of_years_is_the_same_day_years_on(start, years):
    assert last_day_of_years(start, years) == add_years(start, years)
    assert add_years(start, 0) == start
