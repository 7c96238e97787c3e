"""intakeRefusalCorrect: the unit leader corrects the refusal; the case returns to intake and the clerk is charged."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class IntakeRefusalCorrectInput:
    id: strawberry.ID
    note: str
    idempotency_key: str | None = None


@strawberry.type
class IntakeRefusalCorrectPayload(ApplicationPayload):
    pass


def intake_refusal_correct(info: Info, input: IntakeRefusalCorrectInput) -> IntakeRefusalCorrectPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.intake_refusals.correct(ctx.principal, case_id, input.note, input.idempotency_key)

    return run(info, IntakeRefusalCorrectPayload, action)  # type: ignore[return-value]
