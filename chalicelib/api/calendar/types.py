"""A year of the working-day calendar as the API shows it."""

from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.api.permissions import PUBLIC, AnyRole, field, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.domain.holiday_arrangement import HolidayArrangement
from chalicelib.domain.identity import Role
from chalicelib.domain.working_days import CalendarSource as DomainSource
from chalicelib.domain.working_days import WorkingDayCalendar

CalendarSource = strawberry.enum(
    DomainSource,
    name="CalendarSource",
    description="ARRANGEMENT: loaded State Council notice; OFFICIAL: built-in official data; "
    "COMPUTED: weekends and the statutory holidays only (deadlines provisional).",
)
OVERSIGHT = AnyRole(Role.ADMIN, Role.SUPERVISOR)


@visible_to(PUBLIC)
@strawberry.type(description="A day off: a holiday, a bridge or a make-up day (补假).")
class RestDay:
    date: date
    name: str


@visible_to(PUBLIC)
@strawberry.type(description="One holiday period of a loaded arrangement, both ends inclusive.")
class HolidayPeriod:
    name: str
    start: date
    end: date


@visible_to(OVERSIGHT)
@strawberry.type(description="One loaded version of a year's arrangement: who loaded it, when and why.")
class HolidayArrangementVersion:
    year: int
    version: int
    holidays: list[HolidayPeriod]
    workdays: list[date]
    reason: str
    loaded_by: str
    loaded_at: DateTime

    @classmethod
    def from_domain(cls, a: HolidayArrangement) -> HolidayArrangementVersion:
        return cls(
            year=a.year,
            version=a.version,
            holidays=[HolidayPeriod(name=p.name, start=p.start, end=p.end) for p in a.periods],
            workdays=list(a.workdays),
            reason=a.reason,
            loaded_by=a.loaded_by,
            loaded_at=a.loaded_at,
        )


@visible_to(PUBLIC)
@strawberry.type(description="How a year's working days are counted.")
class WorkingDayYear:
    year: int
    source: CalendarSource  # type: ignore[valid-type]
    provisional: bool = strawberry.field(
        description="True while the year rests on the computed statutory holidays: deadlines in it may move."
    )
    version: int | None = strawberry.field(description="Version of the loaded arrangement in force, if any.")
    rest_days: list[RestDay] = strawberry.field(description="Days off on weekdays and weekends alike, by date.")
    adjusted_workdays: list[date] = strawberry.field(description="Weekend days that are working days (调休上班).")

    @field(access=OVERSIGHT, description="Every loaded version, oldest first (administrators, supervisors).")
    def versions(self, info: strawberry.Info) -> list[HolidayArrangementVersion]:
        return [HolidayArrangementVersion.from_domain(a) for a in info.context.calendar_service.versions(self.year)]

    @classmethod
    def of(cls, calendar: WorkingDayCalendar, year: int) -> WorkingDayYear:
        source = calendar.source(year)
        arrangement = calendar.arrangements.get(year)
        return cls(
            year=year,
            source=source,
            provisional=source is DomainSource.COMPUTED,
            version=arrangement.version if arrangement else None,
            rest_days=[RestDay(date=d, name=n) for d, n in sorted(calendar.rest_days(year).items())],
            adjusted_workdays=list(calendar.adjusted_workdays(year)),
        )
