"""Responsibility queries: an item's matrix at a centre, and a case's with its current step."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.errors import NOT_FOUND, ApiError
from chalicelib.api.permissions import STAFF, field, require_centre_scope
from chalicelib.api.relay import decode_id
from chalicelib.api.responsibility.types import ResponsibilityMatrix
from chalicelib.domain.errors import DomainError


@strawberry.type
class ResponsibilityQuery:
    @field(access=STAFF, description="责任分工 of an item at a centre (staff of that centre, supervisors, admins).")
    def responsibility_matrix(
        self, info: Info, item_id: strawberry.ID, centre_id: strawberry.ID
    ) -> ResponsibilityMatrix | None:
        centre = decode_id(centre_id, "Centre", "centreId")
        require_centre_scope(info.context.principal, centre)
        found = info.context.responsibility.of_item(decode_id(item_id, "ServiceItem", "itemId"), centre)
        if found is None:
            return None
        info.context.departments.want(r.assignment.department_id for r in found.steps)
        return ResponsibilityMatrix.from_standing(found)

    @field(
        access=STAFF,
        description="责任分工 shown on a case: who answers for each step, and which step the case is at "
        "(staff who may see the case).",
    )
    def case_responsibility(self, info: Info, application_id: strawberry.ID) -> ResponsibilityMatrix | None:
        try:
            found = info.context.responsibility.of_case(
                info.context.principal, decode_id(application_id, "Application", "applicationId")
            )
        except DomainError as error:
            raise ApiError(NOT_FOUND, "办件不存在", field="applicationId") from error
        if found is None:
            return None
        info.context.departments.want(r.assignment.department_id for r in found.steps)
        return ResponsibilityMatrix.from_standing(found)
