"""Handover queries: a delegating department's or a receiving centre's handovers."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.handover.types import Handover
from chalicelib.api.permissions import STAFF, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection


@strawberry.type
class HandoverQuery:
    @field(
        access=STAFF,
        description="配套服务移交 records, newest first: a delegating department's (its staff) or a receiving "
        "centre's (its staff); supervisors name either.",
    )
    def handovers(
        self,
        info: Info,
        department_id: strawberry.ID | None = None,
        centre_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Handover]:
        ctx = info.context
        department = decode_id(department_id, "Department", "departmentId") if department_id else None
        centre = decode_id(centre_id, "Centre", "centreId") if centre_id else None
        page = ctx.handovers.list(ctx.principal, department, centre, page_size(first), after)
        ctx.centres.want(h.centre_id for h, _ in page.items)
        ctx.departments.want(h.department_id for h, _ in page.items)
        return to_connection(page, Handover.from_domain)
