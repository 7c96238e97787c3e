"""Rating queries: a department's rectification worklist and its ratings."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import STAFF, AnyRole, field
from chalicelib.api.ratings.types import Rating
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.domain.identity import Role

RECTIFIERS = AnyRole(Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR)


@strawberry.type
class RatingQuery:
    @field(
        access=RECTIFIERS,
        description="差评整改: open rectifications by due date (or all, newest first). Reviewers and approvers "
        "see their own department's; supervisors name a department.",
    )
    def rectifications(
        self,
        info: Info,
        department_id: strawberry.ID | None = None,
        open_only: bool = True,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Rating]:
        department = decode_id(department_id, "Department", "departmentId") if department_id else None
        page = info.context.ratings.rectifications(
            info.context.principal, department, open_only, page_size(first), after
        )
        info.context.departments.want(r.department_id for r, _ in page.items)
        return to_connection(page, Rating.from_domain)

    @field(access=STAFF, description="A department's ratings, newest first: supervisors, or that department's staff.")
    def department_ratings(
        self, info: Info, department_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[Rating]:
        department = decode_id(department_id, "Department", "departmentId")
        page = info.context.ratings.department_ratings(info.context.principal, department, page_size(first), after)
        info.context.departments.want(r.department_id for r, _ in page.items)
        return to_connection(page, Rating.from_domain)
