"""Tests for the working-day (工作日) clock.

Example tests pin real State Council calendars as shipped by
chinese_calendar 1.11.0; property tests check the counting laws against a
brute-force day-by-day reference.
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta

import chinese_calendar  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.working_days import (
    DEFAULT_CALENDAR,
    Pause,
    WorkingDayCalendar,
    has_official_data,
)

LOGGER_NAME = "chalicelib.domain.working_days"
CAL = DEFAULT_CALENDAR
D = date.fromisoformat

PROPS = settings(max_examples=150, deadline=None)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=400)


# -- brute-force references ---------------------------------------------------


def days(a: date, b: date) -> list[date]:
    """Every calendar day in [a, b]."""
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def brute_between(start: date, end: date) -> int:
    """Working days d with start < d <= end, one day at a time."""
    if end <= start:
        return 0
    return sum(CAL.is_working_day(d) for d in days(start + timedelta(days=1), end))


def brute_paused(start: date, pauses: list[Pause], today: date | None = None) -> int:
    """Working days after start lying in the union of the pauses."""
    covered: set[date] = set()
    for p in pauses:
        end = p.end if p.end is not None else today
        assert end is not None
        covered.update(d for d in days(p.start, end) if d > start)
    return sum(CAL.is_working_day(d) for d in covered)


# -- official data: 2026 National Day / Mid-autumn -------------------------------


@pytest.mark.parametrize("day", days(D("2026-10-01"), D("2026-10-07")))
def test_2026_national_day_is_rest(day: date) -> None:
    assert not CAL.is_working_day(day)


def test_2026_national_day_adjusted_days() -> None:
    # chinese_calendar 1.11.0: Sun 2026-09-20 and Sat 2026-10-10 are 调休
    # working days; Fri 2026-09-25 .. Sun 09-27 is the Mid-autumn break, so
    # Sun 2026-09-27 is NOT a working day despite the usual pattern.
    assert D("2026-09-20").weekday() == 6
    assert CAL.is_working_day(D("2026-09-20"))
    assert D("2026-10-10").weekday() == 5
    assert CAL.is_working_day(D("2026-10-10"))
    assert not CAL.is_working_day(D("2026-09-25"))  # Friday, Mid-autumn
    assert not CAL.is_working_day(D("2026-09-27"))
    assert not CAL.is_working_day(D("2026-10-11"))  # ordinary Sunday
    assert CAL.is_working_day(D("2026-10-08"))


def test_simple_item_two_days_across_national_day() -> None:
    # accepted the day before the holiday: Oct 8 (1) and Oct 9 (2)
    assert CAL.deadline(D("2026-09-30"), 2) == D("2026-10-09")
    # the third working day is the adjusted Saturday
    assert CAL.add_working_days(D("2026-09-30"), 3) == D("2026-10-10")


def test_major_project_thirty_days_across_national_day() -> None:
    # after 2026-09-24: Sep 28-30 (3), Oct 8-10 (6), 12-16 (11), 19-23 (16),
    # 26-30 (21), Nov 2-6 (26), Nov 9-12 (30)
    assert CAL.deadline(D("2026-09-24"), 30) == D("2026-11-12")
    assert CAL.working_days_between(D("2026-09-24"), D("2026-11-12")) == 30
    # a naive Mon-Fri count would have said 2026-11-05
    naive = sum(d.weekday() < 5 for d in days(D("2026-09-25"), D("2026-11-05")))
    assert naive == 30


# -- official data: 2025 Spring Festival ----------------------------------------------


def test_2025_spring_festival() -> None:
    assert D("2025-01-26").weekday() == 6
    assert CAL.is_working_day(D("2025-01-26"))  # adjusted Sunday
    assert CAL.is_working_day(D("2025-02-08"))  # adjusted Saturday
    for day in days(D("2025-01-28"), D("2025-02-04")):
        assert not CAL.is_working_day(day), day
    # Friday acceptance: the next working day is the adjusted Sunday
    assert CAL.add_working_days(D("2025-01-24"), 1) == D("2025-01-26")
    assert CAL.add_working_days(D("2025-01-24"), 2) == D("2025-01-27")
    assert CAL.add_working_days(D("2025-01-27"), 1) == D("2025-02-05")
    # Jan 26, 27, Feb 5, 6, 7, 8
    assert CAL.working_days_between(D("2025-01-24"), D("2025-02-08")) == 6
    assert CAL.deadline(D("2025-01-27"), 2) == D("2025-02-06")


def test_matches_chinese_calendar_for_every_official_day() -> None:
    for year in (2004, 2015, 2020, 2024, 2025, 2026):
        assert has_official_data(year)
        for day in days(date(year, 1, 1), date(year, 12, 31)):
            assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day


# -- basic contract ----------------------------------------------------------------


def test_zero_days_returns_start_even_on_a_holiday() -> None:
    assert CAL.add_working_days(D("2026-10-01"), 0) == D("2026-10-01")
    assert CAL.deadline(D("2026-10-01"), 0) == D("2026-10-01")


def test_start_day_is_not_counted() -> None:
    monday = D("2026-03-02")
    assert CAL.is_working_day(monday)
    assert CAL.add_working_days(monday, 1) == D("2026-03-03")
    assert CAL.working_days_between(monday, monday) == 0
    assert CAL.working_days_between(monday, D("2026-03-03")) == 1


def test_acceptance_on_a_holiday_counts_from_next_working_day() -> None:
    assert CAL.add_working_days(D("2026-10-03"), 1) == D("2026-10-08")


def test_negative_n_rejected() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        CAL.add_working_days(D("2026-03-02"), -1)
    with pytest.raises(ValueError, match=">= 0"):
        CAL.deadline(D("2026-03-02"), -5)


def test_between_is_zero_when_end_not_after_start() -> None:
    assert CAL.working_days_between(D("2026-03-10"), D("2026-03-02")) == 0


def test_datetimes_are_treated_as_their_date() -> None:
    assert CAL.add_working_days(datetime(2026, 9, 30, 17, 45), 2) == D("2026-10-09")
    assert type(CAL.add_working_days(datetime(2026, 9, 30, 17, 45), 0)) is date
    assert not CAL.is_working_day(datetime(2026, 10, 1, 9, 0))


# -- pauses -----------------------------------------------------------------------


def test_pause_moves_deadline_by_paused_working_days() -> None:
    start, limit = D("2026-09-24"), 30
    # expert review Mon 10-12 .. Fri 10-16: five working days
    review = Pause(D("2026-10-12"), D("2026-10-16"))
    assert CAL.deadline(start, limit, [review]) == D("2026-11-19")
    assert CAL.working_days_between(D("2026-11-12"), D("2026-11-19")) == 5


def test_pause_over_holiday_counts_only_working_days() -> None:
    # 2026-09-30 .. 10-09 covers 9-30, 10-08, 10-09 = 3 working days
    inspection = Pause(D("2026-09-30"), D("2026-10-09"))
    assert CAL.paused_working_days(D("2026-09-29"), [inspection]) == 3
    assert CAL.deadline(D("2026-09-29"), 2) == D("2026-10-08")
    assert CAL.deadline(D("2026-09-29"), 2, [inspection]) == D("2026-10-12")


def test_overlapping_pauses_do_not_double_count() -> None:
    start = D("2026-09-24")
    pauses = [
        Pause(D("2026-10-12"), D("2026-10-14")),
        Pause(D("2026-10-13"), D("2026-10-16")),
        Pause(D("2026-10-14"), D("2026-10-14")),
    ]
    assert CAL.paused_working_days(start, pauses) == 5
    assert CAL.deadline(start, 30, pauses) == D("2026-11-19")


def test_adjacent_pauses_and_pause_before_start() -> None:
    start = D("2026-03-04")  # Wednesday
    pauses = [
        Pause(D("2026-03-01"), D("2026-03-05")),  # only Thu 03-05 is after start
        Pause(D("2026-03-06"), D("2026-03-06")),
    ]
    assert CAL.paused_working_days(start, pauses) == 2
    assert CAL.deadline(start, 1, pauses) == D("2026-03-09")


def test_open_pause_runs_to_today() -> None:
    start = D("2026-09-24")
    hearing = Pause(D("2026-10-12"), None)
    assert hearing.is_open
    assert CAL.deadline(start, 30, [hearing], today=D("2026-10-14")) == D("2026-11-17")
    assert CAL.working_days_used(start, D("2026-10-14"), [hearing]) == 6
    assert CAL.working_days_left(start, 30, D("2026-10-14"), [hearing]) == 24
    with pytest.raises(ValueError, match="still open"):
        CAL.deadline(start, 30, [hearing])


def test_open_pause_starting_after_today_pauses_nothing() -> None:
    pause = Pause(D("2026-10-20"), None)
    assert CAL.paused_working_days(D("2026-09-24"), [pause], D("2026-10-14")) == 0


def test_inverted_pause_rejected() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Pause(D("2026-10-16"), D("2026-10-12"))


def test_used_and_left() -> None:
    start = D("2026-09-24")
    # Sep 28, 29, 30, Oct 8, 9
    assert CAL.working_days_used(start, D("2026-10-09")) == 5
    assert CAL.working_days_left(start, 30, D("2026-10-09")) == 25
    pause = Pause(D("2026-10-08"), D("2026-10-20"))  # capped at today
    assert CAL.working_days_used(start, D("2026-10-09"), [pause]) == 3
    assert CAL.working_days_used(start, start) == 0
    assert CAL.working_days_used(start, D("2026-09-01")) == 0


def test_left_goes_negative_when_overdue() -> None:
    start = D("2026-09-30")
    assert CAL.deadline(start, 2) == D("2026-10-09")
    assert CAL.working_days_left(start, 2, D("2026-10-09")) == 0
    assert CAL.working_days_left(start, 2, D("2026-10-10")) == -1
    assert CAL.working_days_left(start, 2, D("2026-10-13")) == -3


# -- fallback years and overrides -----------------------------------------------------


def test_fallback_year_is_weekends_and_statutory_holidays_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cal = WorkingDayCalendar()
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    assert not has_official_data(2027)
    assert not cal.is_working_day(D("2027-01-01"))  # Friday, but 元旦 by the 放假办法
    assert not cal.is_working_day(D("2027-01-02"))
    assert cal.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert cal.add_working_days(D("2027-01-01"), 1) == D("2027-01-04")
    # 261 weekdays, Jan 1 not counted, 12 more weekday rest days (春节 with 补假, 清明, 劳动节,
    # 端午, 中秋, 国庆 with 补假)
    assert cal.working_days_between(D("2027-01-01"), D("2027-12-31")) == 248
    warnings = [r for r in caplog.records if r.name == LOGGER_NAME]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "2027" in warnings[0].getMessage()
    cal.is_working_day(D("2028-03-01"))
    cal.is_working_day(D("2028-03-02"))
    warnings = [r for r in caplog.records if r.name == LOGGER_NAME]
    assert [("2028" in r.getMessage()) for r in warnings] == [False, True]


def test_no_warning_for_official_years(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    cal = WorkingDayCalendar()
    cal.add_working_days(D("2004-01-01"), 2000)
    assert not [r for r in caplog.records if r.name == LOGGER_NAME]


@pytest.mark.parametrize("day", [D("1990-01-01"), D("2100-01-01"), D("2003-12-31")])
def test_far_years_never_raise(day: date) -> None:
    cal = WorkingDayCalendar()
    assert cal.is_working_day(day) == (day.weekday() < 5 and (day.month, day.day) != (1, 1))
    deadline = cal.deadline(day, 30, [Pause(day, day + timedelta(days=10))])
    assert deadline > day
    assert cal.working_days_left(day, 30, day + timedelta(days=3)) <= 30


def test_span_from_1990_to_2100() -> None:
    cal = WorkingDayCalendar()
    total = cal.working_days_between(D("1990-01-01"), D("2100-12-31"))
    assert cal.add_working_days(D("1990-01-01"), total) <= D("2100-12-31")
    assert cal.add_working_days(D("1990-01-01"), total + 1) > D("2100-12-31")


def test_override_table_for_2027() -> None:
    cal = WorkingDayCalendar.from_json(
        '{"holidays": {"2027-01-01": "元旦", "2027-02-08": "春节"}, "workdays": ["2027-02-07"]}'
    )
    assert not cal.is_working_day(D("2027-01-01"))
    assert cal.is_working_day(D("2027-02-07"))  # a Sunday made a workday
    assert not cal.is_working_day(D("2027-02-08"))
    assert cal.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert cal.add_working_days(D("2027-02-05"), 1) == D("2027-02-07")
    # the computed 春节 (2-5 to 2-8 with 补假 on 2-9 and 2-10) still applies under the overrides
    assert cal.add_working_days(D("2027-02-05"), 2) == D("2027-02-11")
    assert cal.holidays[D("2027-01-01")] == "元旦"


def test_flat_json_table() -> None:
    cal = WorkingDayCalendar.from_json('{"2027-01-01": "元旦", "2027-02-07": "workday", "2027-02-20": "工作日"}')
    assert not cal.is_working_day(D("2027-01-01"))
    assert cal.is_working_day(D("2027-02-07"))
    assert cal.is_working_day(D("2027-02-20"))
    assert cal.workdays == frozenset({D("2027-02-07"), D("2027-02-20")})


def test_overrides_apply_on_top_of_official_data() -> None:
    cal = WorkingDayCalendar(holidays={D("2026-11-02"): "local holiday"}, workdays=[D("2026-10-11")])
    assert not cal.is_working_day(D("2026-11-02"))
    assert cal.is_working_day(D("2026-10-11"))
    assert cal.is_working_day(D("2026-10-10"))  # official data still there
    assert not cal.is_working_day(D("2026-10-01"))
    assert CAL.is_working_day(D("2026-11-02"))  # the default is untouched


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "must be an object"),
        ('{"holidays": ["2027-01-01"]}', '"holidays" must be an object'),
        ('{"workdays": "2027-02-07"}', '"workdays" must be a list'),
        ('{"holidays": {"2027-13-01": "x"}}', "invalid date '2027-13-01'"),
        ('{"holidays": {"2027-W01-1": "x"}}', "invalid date"),
        ('{"holidays": {"2027-01-01": 1}}', "non-empty string"),
        ('{"holidays": {"2027-01-01": ""}}', "non-empty string"),
        ('{"workdays": [20270207]}', "YYYY-MM-DD"),
        (
            '{"holidays": {"2027-01-01": "x"}, "workdays": ["2027-01-01"]}',
            "both as holidays and as working days: 2027-01-01",
        ),
        ('{"2027-01-01": "x", "holiday": {}}', "invalid date 'holiday'"),
    ],
)
def test_from_json_rejects_bad_data(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingDayCalendar.from_json(text)


def test_constructor_rejects_conflicting_overrides() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkingDayCalendar(holidays={D("2027-01-01"): "x"}, workdays=[D("2027-01-01")])


def test_is_fast() -> None:
    cal = WorkingDayCalendar()
    starts = [D("2004-01-01") + timedelta(days=37 * i) for i in range(300)]
    for year in range(2004, 2038):  # warm the per-year tables
        cal.is_working_day(date(year, 6, 1))
    began = time.perf_counter()
    for i in range(5000):
        s = starts[i % len(starts)]
        end = cal.add_working_days(s, i % 400)
        cal.working_days_between(s, end)
    assert time.perf_counter() - began < 1.0


# -- laws --------------------------------------------------------------------------


@PROPS
@given(dates, st.integers(min_value=1, max_value=400))
def test_result_is_a_working_day(start: date, n: int) -> None:
    assert CAL.is_working_day(CAL.add_working_days(start, n))


@PROPS
@given(dates, counts)
def test_between_inverts_add(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    assert brute_between(start, end) == n


@PROPS
@given(dates, counts, counts)
def test_add_is_strictly_monotonic(start: date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    if lo == hi:
        assert CAL.add_working_days(start, lo) == CAL.add_working_days(start, hi)
    else:
        assert CAL.add_working_days(start, lo) < CAL.add_working_days(start, hi)


@PROPS
@given(st.lists(dates, min_size=3, max_size=3, unique=True))
def test_between_is_additive(three: list[date]) -> None:
    a, b, c = sorted(three)
    between = CAL.working_days_between
    assert between(a, c) == between(a, b) + between(b, c)


@PROPS
@given(dates, st.integers(min_value=0, max_value=800))
def test_between_matches_brute_force(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert CAL.working_days_between(start, end) == brute_between(start, end)


pauses_st = st.lists(
    st.tuples(st.integers(-30, 300), st.integers(0, 60), st.booleans()),
    max_size=4,
)


def make_pauses(start: date, raw: list[tuple[int, int, bool]]) -> list[Pause]:
    """Turn (offset, length, open) triples into pauses around start."""
    return [
        Pause(
            start + timedelta(days=off),
            None if is_open else start + timedelta(days=off + length),
        )
        for off, length, is_open in raw
    ]


@PROPS
@given(dates, counts, pauses_st, st.integers(0, 400))
def test_deadline_extends_by_paused_working_days(
    start: date, limit: int, raw: list[tuple[int, int, bool]], today_off: int
) -> None:
    pauses = make_pauses(start, raw)
    today = start + timedelta(days=today_off)
    paused = brute_paused(start, pauses, today)
    assert CAL.paused_working_days(start, pauses, today) == paused
    assert CAL.deadline(start, limit, pauses, today=today) == CAL.add_working_days(start, limit + paused)


@PROPS
@given(dates, counts, pauses_st, st.integers(0, 400))
def test_left_is_limit_minus_used(start: date, limit: int, raw: list[tuple[int, int, bool]], today_off: int) -> None:
    pauses = make_pauses(start, raw)
    today = start + timedelta(days=today_off)
    used = CAL.working_days_used(start, today, pauses)
    assert CAL.working_days_left(start, limit, today, pauses) == limit - used
    # used == elapsed working days not covered by any pause (capped at today)
    capped = [Pause(p.start, today if p.end is None else min(p.end, today)) for p in pauses if p.start <= today]
    assert used == brute_between(start, today) - brute_paused(start, capped)


@PROPS
@given(dates, counts, st.integers(0, 500))
def test_left_agrees_with_deadline(start: date, limit: int, today_off: int) -> None:
    today = start + timedelta(days=today_off)
    due = CAL.deadline(start, limit)
    left = CAL.working_days_left(start, limit, today)
    if today <= due:
        assert left == CAL.working_days_between(today, due)
    else:
        assert left == -CAL.working_days_between(due, today)
