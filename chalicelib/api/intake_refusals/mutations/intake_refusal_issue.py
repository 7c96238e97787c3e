"""intakeRefusalIssue: a clerk refuses a submission at the window in writing (不予受理, art. 32, 38)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.intake_refusals.types import RefusalGround
from chalicelib.api.relay import decode_id
from chalicelib.domain import intake_refusal as ir
from chalicelib.domain.application import Application


@strawberry.input
class IntakeRefusalIssueInput:
    id: strawberry.ID
    ground: RefusalGround  # type: ignore[valid-type]
    reason: str
    legal_basis: str
    competent_agency: str = strawberry.field(
        default="", description="Outside the centre's competence: the agency the applicant should apply to."
    )
    idempotency_key: str | None = None


@strawberry.type
class IntakeRefusalIssuePayload(ApplicationPayload):
    pass


def intake_refusal_issue(info: Info, input: IntakeRefusalIssueInput) -> IntakeRefusalIssuePayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.intake_refusals.refuse(
            ctx.principal,
            case_id,
            ir.RefusalGround(input.ground),
            input.reason,
            input.legal_basis,
            input.competent_agency,
            input.idempotency_key,
        )

    return run(info, IntakeRefusalIssuePayload, action)  # type: ignore[return-value]
