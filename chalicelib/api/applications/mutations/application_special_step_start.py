"""applicationSpecialStepStart: Start a special step; the clock pauses when the item says its days do not count."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.catalogue.types import SpecialStepKind
from chalicelib.api.relay import decode_id
from chalicelib.domain import catalogue as dc
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationSpecialStepStartInput:
    id: strawberry.ID
    kind: SpecialStepKind  # type: ignore[valid-type]
    note: str = ""
    idempotency_key: str | None = None


@strawberry.type
class ApplicationSpecialStepStartPayload(ApplicationPayload):
    pass


def application_special_step_start(
    info: Info, input: ApplicationSpecialStepStartInput
) -> ApplicationSpecialStepStartPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.start_special_step(
            ctx.principal, case_id, dc.SpecialStepKind(input.kind), input.note, input.idempotency_key
        )

    return run(info, ApplicationSpecialStepStartPayload, action)  # type: ignore[return-value]
