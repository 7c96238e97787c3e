"""intakeRefusalObject: the applicant objects within the deadline; the refusal is filed to the clerk's unit leader (否认报备)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class IntakeRefusalObjectInput:
    id: strawberry.ID
    objection: str
    idempotency_key: str | None = None


@strawberry.type
class IntakeRefusalObjectPayload(ApplicationPayload):
    pass


def intake_refusal_object(info: Info, input: IntakeRefusalObjectInput) -> IntakeRefusalObjectPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.intake_refusals.object(ctx.principal, case_id, input.objection, input.idempotency_key)

    return run(info, IntakeRefusalObjectPayload, action)  # type: ignore[return-value]
