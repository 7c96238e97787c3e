"""Calendar queries: a year's working-day calendar (public: holidays are public information)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.calendar.types import WorkingDayYear
from chalicelib.api.errors import BAD_REQUEST, ApiError
from chalicelib.api.permissions import PUBLIC, field


@strawberry.type
class CalendarQuery:
    @field(access=PUBLIC, description="The working-day calendar of a year (1900-2200) and where it comes from.")
    def working_day_calendar(self, info: Info, year: int) -> WorkingDayYear:
        if not 1900 <= year <= 2200:
            raise ApiError(BAD_REQUEST, "年份须在1900至2200之间", field="year")
        return WorkingDayYear.of(info.context.calendar, year)
