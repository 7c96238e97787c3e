"""intakeRefusalConfirm: the unit leader confirms the refusal; the applicant is told in writing."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class IntakeRefusalConfirmInput:
    id: strawberry.ID
    note: str = ""
    idempotency_key: str | None = None


@strawberry.type
class IntakeRefusalConfirmPayload(ApplicationPayload):
    pass


def intake_refusal_confirm(info: Info, input: IntakeRefusalConfirmInput) -> IntakeRefusalConfirmPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.intake_refusals.confirm(ctx.principal, case_id, input.note, input.idempotency_key)

    return run(info, IntakeRefusalConfirmPayload, action)  # type: ignore[return-value]
