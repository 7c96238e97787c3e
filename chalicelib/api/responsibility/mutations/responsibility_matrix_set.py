"""responsibilityMatrixSet: administrators assign every step of an item at a centre (seed 003)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.responsibility.errors import ResponsibilityError, catch
from chalicelib.api.responsibility.types import ResponsibilityMatrix, ResponsibilityStepKind
from chalicelib.domain import responsibility as dr
from chalicelib.services.responsibility import StandingMatrix


@strawberry.input
class ResponsibilityAssignmentInput:
    step: ResponsibilityStepKind  # type: ignore[valid-type]
    department_id: strawberry.ID
    leader_staff_id: strawberry.ID
    section: str
    post_id: strawberry.ID | None = None
    staff_id: strawberry.ID | None = strawberry.field(default=None, description="Required unless a post is named.")


@strawberry.input
class ResponsibilityMatrixSetInput:
    item_id: strawberry.ID
    centre_id: strawberry.ID
    assignments: list[ResponsibilityAssignmentInput]
    reason: str


@visible_to(AUTHENTICATED)
@strawberry.type
class ResponsibilityMatrixSetPayload:
    matrix: ResponsibilityMatrix | None
    user_errors: list[ResponsibilityError]


def _assignment(i: int, a: ResponsibilityAssignmentInput) -> dr.Assignment:
    p = f"assignments[{i}]"
    return dr.Assignment(
        step=dr.StepKind(a.step),
        department_id=decode_id(a.department_id, "Department", f"{p}.departmentId"),
        leader_staff_id=decode_id(a.leader_staff_id, "Staff", f"{p}.leaderStaffId"),
        section=a.section.strip(),
        post=decode_id(a.post_id, "WindowPost", f"{p}.postId") if a.post_id else "",
        staff_id=decode_id(a.staff_id, "Staff", f"{p}.staffId") if a.staff_id else "",
    )


def responsibility_matrix_set(info: Info, input: ResponsibilityMatrixSetInput) -> ResponsibilityMatrixSetPayload:
    ctx = info.context

    def action() -> StandingMatrix:
        assignments = tuple(_assignment(i, a) for i, a in enumerate(input.assignments))
        return ctx.responsibility.set(
            ctx.principal,
            decode_id(input.item_id, "ServiceItem", "itemId"),
            decode_id(input.centre_id, "Centre", "centreId"),
            assignments,
            input.reason,
        )

    found, errors = catch(action)
    matrix = ResponsibilityMatrix.from_standing(found) if found else None
    return ResponsibilityMatrixSetPayload(matrix=matrix, user_errors=errors)
