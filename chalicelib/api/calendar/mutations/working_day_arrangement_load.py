"""workingDayArrangementLoad: a catalogue administrator loads the State Council's arrangement of a
year (holiday periods and adjusted working days). It becomes the year's authoritative calendar;
the sweep then recomputes open deadlines that reach into the year."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.calendar.errors import CalendarError, catch
from chalicelib.api.calendar.types import HolidayArrangementVersion, WorkingDayYear
from chalicelib.api.permissions import ADMIN, visible_to
from chalicelib.domain.holiday_arrangement import HolidayArrangement, HolidayPeriod


@strawberry.input
class HolidayPeriodInput:
    name: str = strawberry.field(description="e.g. 春节")
    start: date
    end: date = strawberry.field(description="Inclusive.")


@strawberry.input
class WorkingDayArrangementLoadInput:
    year: int
    holidays: list[HolidayPeriodInput]
    workdays: list[date] = strawberry.field(description="Adjusted working days (weekend days that are worked).")
    reason: str = strawberry.field(description="Why: the notice's number and date (国办发明电〔…〕…号).")
    expected_version: int | None = strawberry.field(
        default=None, description="The version the administrator saw (0: none yet); another is STALE_VERSION."
    )
    idempotency_key: str | None = None


@visible_to(ADMIN)
@strawberry.type
class WorkingDayArrangementLoadPayload:
    arrangement: HolidayArrangementVersion | None
    calendar: WorkingDayYear | None
    user_errors: list[CalendarError]


def working_day_arrangement_load(info: Info, input: WorkingDayArrangementLoadInput) -> WorkingDayArrangementLoadPayload:
    ctx = info.context

    def action() -> HolidayArrangement:
        return ctx.calendar_service.load(
            ctx.principal,
            input.year,
            [HolidayPeriod(p.name, p.start, p.end) for p in input.holidays],
            list(input.workdays),
            input.reason,
            input.expected_version,
            input.idempotency_key,
        )

    arrangement, errors = catch(action)
    if arrangement is None:
        return WorkingDayArrangementLoadPayload(arrangement=None, calendar=None, user_errors=errors)
    from chalicelib.services.calendar import current_calendar

    return WorkingDayArrangementLoadPayload(
        arrangement=HolidayArrangementVersion.from_domain(arrangement),
        calendar=WorkingDayYear.of(current_calendar(), arrangement.year),
        user_errors=[],
    )
