"""`WorkingDayCalendar.deadline` remembers the due dates it counted (every read of a case counts the
same review tasks' and promised deadlines again): a remembered date must equal a fresh count, an
open pause must still be counted to the caller's own `today`, the memo is bounded, and a changed
calendar (an arrangement loaded) is seen at once because it is another calendar instance."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import holiday_arrangement as dh
from chalicelib.domain import working_days
from chalicelib.domain.working_days import Pause, WorkingDayCalendar
from chalicelib.services.calendar import CalendarCache

D = date.fromisoformat
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@st.composite
def pauses(draw: st.DrawFn) -> tuple[Pause, ...]:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start = draw(dates)
        length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=40)))
        out.append(Pause(start, None if length is None else start + timedelta(days=length)))
    return tuple(out)


SHARED = WorkingDayCalendar()


@settings(max_examples=200, deadline=None)
@given(start=dates, limit=st.integers(min_value=0, max_value=120), stops=pauses(), today=dates)
def test_a_remembered_deadline_equals_a_fresh_count(
    start: date, limit: int, stops: tuple[Pause, ...], today: date
) -> None:
    first = SHARED.deadline(start, limit, list(stops), today=today)
    again = SHARED.deadline(start, limit, stops, today=today)  # a hit (same key from a tuple)
    fresh = WorkingDayCalendar().deadline(start, limit, stops, today=today)
    assert first == again == fresh


def test_an_open_pause_is_counted_to_each_callers_today() -> None:
    calendar = WorkingDayCalendar()
    open_pause = [Pause(D("2026-03-02"))]
    early = calendar.deadline(D("2026-03-01"), 20, open_pause, today=D("2026-03-06"))
    late = calendar.deadline(D("2026-03-01"), 20, open_pause, today=D("2026-03-20"))
    assert early < late
    assert early == WorkingDayCalendar().deadline(D("2026-03-01"), 20, open_pause, today=D("2026-03-06"))
    assert calendar.deadline(D("2026-03-01"), 20, open_pause, today=D("2026-03-06")) == early
    with pytest.raises(ValueError, match="still open"):  # remembered with a today, still refused without
        calendar.deadline(D("2026-03-01"), 20, open_pause)


def test_closed_pauses_do_not_depend_on_today() -> None:
    calendar = WorkingDayCalendar()
    closed = [Pause(D("2026-03-02"), D("2026-03-13"))]
    due = calendar.deadline(D("2026-03-01"), 20, closed, today=D("2026-03-06"))
    assert calendar.deadline(D("2026-03-01"), 20, closed, today=D("2026-05-06")) == due
    assert calendar.deadline(D("2026-03-01"), 20, closed) == due


def test_bad_arguments_are_still_refused() -> None:
    calendar = WorkingDayCalendar()
    calendar.deadline(D("2026-03-01"), 5)
    with pytest.raises(TypeError):
        calendar.deadline(D("2026-03-01"), 5, ["2026-03-02"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        calendar.deadline("2026-03-01", 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        calendar.deadline(D("2026-03-01"), -1)


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(working_days, "DEADLINE_ENTRIES", 8)
    calendar = WorkingDayCalendar()
    for limit in range(30):
        assert calendar.deadline(D("2026-01-05"), limit) == WorkingDayCalendar().add_working_days(
            D("2026-01-05"), limit
        )
        assert len(calendar._deadlines) <= 8


def test_a_loaded_arrangement_is_seen_by_the_next_deadline() -> None:
    """The cache hands out a new calendar when the arrangements change, so nothing counted on the
    old one is served: here 2031's arrangement makes 13-17 October rest days."""
    loaded: dict[int, tuple[dh.HolidayArrangement, int]] = {}
    now = [0.0]
    cache = CalendarCache(repository=lambda: _Repository(loaded), max_age=60.0, monotonic=lambda: now[0])
    start = D("2031-10-06")
    before = cache.current().deadline(start, 10)
    assert cache.current().deadline(start, 10) == before
    arrangement = dh.HolidayArrangement(  # the domain object as stored (the service validates loads)
        year=2031,
        version=1,
        periods=(dh.HolidayPeriod("测试假期", D("2031-10-13"), D("2031-10-17")),),
        workdays=(),
        reason="测试载入",
        loaded_by="admin",
        loaded_at="2031-01-01T00:00:00",
    )
    loaded[2031] = (arrangement, 1)
    cache.invalidate()  # what CalendarService.load does in this process; others within max_age
    after = cache.current().deadline(start, 10)
    assert after == WorkingDayCalendar(arrangements={2031: arrangement}).add_working_days(start, 10)
    assert after > before


class _Repository:
    def __init__(self, loaded: dict[int, tuple[dh.HolidayArrangement, int]]) -> None:
        self.loaded = loaded

    def current(self) -> dict[int, tuple[dh.HolidayArrangement, int]]:
        return dict(self.loaded)
