"""staffViolationRecord: a supervisor charges a person with a lapse, with evidence (seed 004 四.2).

The first incident of the person's year is a 通报批评; the second returns them to the unit.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.conduct.errors import ConductError, catch
from chalicelib.api.conduct.types import ConductKind, StaffViolation
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import conduct as dc


@strawberry.input
class StaffViolationRecordInput:
    staff_id: strawberry.ID
    kind: ConductKind  # type: ignore[valid-type]
    evidence: str = strawberry.field(description="The facts and evidence (required).")
    application_id: strawberry.ID | None = None


@visible_to(AUTHENTICATED)
@strawberry.type
class StaffViolationRecordPayload:
    staff_violation: StaffViolation | None
    user_errors: list[ConductError]


def staff_violation_record(info: Info, input: StaffViolationRecordInput) -> StaffViolationRecordPayload:
    ctx = info.context

    def action() -> dc.StaffViolation:
        staff_id = decode_id(input.staff_id, "Staff", "staffId")
        case_id = decode_id(input.application_id, "Application", "applicationId") if input.application_id else None
        return ctx.conduct.record(ctx.principal, staff_id, dc.ConductKind(input.kind), input.evidence, case_id)

    violation, errors = catch(action)
    return StaffViolationRecordPayload(
        staff_violation=StaffViolation.from_domain(violation) if violation else None, user_errors=errors
    )
