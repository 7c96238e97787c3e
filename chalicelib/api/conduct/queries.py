"""Conduct queries: a person's ledger, a year's ledger (supervisors), public bulletins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.conduct.types import Bulletin, StaffViolation
from chalicelib.api.errors import BAD_REQUEST, FORBIDDEN, ApiError
from chalicelib.api.permissions import PUBLIC, STAFF, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.domain.identity import Role


@strawberry.type
class ConductQuery:
    @field(
        access=STAFF,
        description="The staff conduct ledger: one person's entries (supervisors, or the person themself), "
        "newest first; without `staffId`, a year's entries in time order (supervisors).",
    )
    def staff_violations(
        self,
        info: Info,
        staff_id: strawberry.ID | None = None,
        year: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StaffViolation]:
        principal = info.context.principal
        supervisor = principal.has_any(Role.SUPERVISOR)
        if staff_id is not None:
            person = decode_id(staff_id, "Staff", "staffId")
            if not supervisor and principal.subject != person:
                raise ApiError(FORBIDDEN, "只能查看本人的违规记录", field="staffId")
            page = info.context.conduct.of_staff(person, page_size(first), after)
        else:
            if not supervisor:
                raise ApiError(FORBIDDEN, "只有监察人员可以查看全部违规记录", field="staffId")
            if year is None or not 2000 <= year <= 2100:
                raise ApiError(BAD_REQUEST, "请指定年份", field="year")
            page = info.context.conduct.of_year(year, page_size(first), after)
        info.context.departments.want(v.department_id for v, _ in page.items)
        return to_connection(page, StaffViolation.from_domain)

    @field(access=PUBLIC, description="通报 list, newest first: of one centre, or of all centres.")
    def bulletins(
        self, info: Info, centre_id: strawberry.ID | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Bulletin]:
        centre = decode_id(centre_id, "Centre", "centreId") if centre_id else None
        page = info.context.conduct.bulletins(centre, page_size(first), after)
        info.context.departments.want(b.department_id for b, _ in page.items)
        return to_connection(page, Bulletin.from_domain)
