"""applicationSpecialStepEnd: End a running special step; the deadline is recomputed from the days actually paused."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.catalogue.types import SpecialStepKind
from chalicelib.api.relay import decode_id
from chalicelib.domain import catalogue as dc
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationSpecialStepEndInput:
    id: strawberry.ID
    kind: SpecialStepKind  # type: ignore[valid-type]
    note: str = ""
    idempotency_key: str | None = None


@strawberry.type
class ApplicationSpecialStepEndPayload(ApplicationPayload):
    pass


def application_special_step_end(info: Info, input: ApplicationSpecialStepEndInput) -> ApplicationSpecialStepEndPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.end_special_step(
            ctx.principal, case_id, dc.SpecialStepKind(input.kind), input.note, input.idempotency_key
        )

    return run(info, ApplicationSpecialStepEndPayload, action)  # type: ignore[return-value]
