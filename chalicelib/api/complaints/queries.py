"""Complaint queries: supervisors' list by status, and the filer's own complaints."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.complaints.types import Complaint, ComplaintStatus
from chalicelib.api.permissions import AnyRole, field
from chalicelib.api.relay import Connection, page_size, to_connection
from chalicelib.domain import complaint as dc
from chalicelib.domain.identity import Role


@strawberry.type
class ComplaintQuery:
    @field(access=AnyRole(Role.SUPERVISOR), description="Complaints by status, oldest first (supervisors).")
    def complaints(
        self,
        info: Info,
        status: ComplaintStatus = dc.ComplaintStatus.OPEN,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Complaint]:
        page = info.context.complaints.by_status(dc.ComplaintStatus(status), page_size(first), after)
        info.context.departments.want(c.target.department_id for c, _ in page.items)
        return to_connection(page, Complaint.from_domain)

    @field(access=AnyRole(Role.APPLICANT, Role.AGENT), description="The caller's own complaints, newest first.")
    def my_complaints(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Complaint]:
        page = info.context.complaints.mine(info.context.principal, page_size(first), after)
        info.context.departments.want(c.target.department_id for c, _ in page.items)
        return to_connection(page, Complaint.from_domain)
