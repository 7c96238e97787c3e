"""applicationEmergencyAuthorise: a supervisor authorises handling an urgent case before its
materials are complete (先予办理, seed 004 二(三)), naming what must follow and by when."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationEmergencyAuthoriseInput:
    id: strawberry.ID
    reason: str = strawberry.field(description="Why waiting would cause loss (情况紧急).")
    legal_basis: str = strawberry.field(description="The provision that allows handling first.")
    material_codes: list[str] = strawberry.field(description="Every missing material, to follow by dueOn.")
    due_on: date
    idempotency_key: str | None = None


@strawberry.type
class ApplicationEmergencyAuthorisePayload(ApplicationPayload):
    pass


def application_emergency_authorise(
    info: Info, input: ApplicationEmergencyAuthoriseInput
) -> ApplicationEmergencyAuthorisePayload:
    ctx = info.context

    def action() -> Application:
        return ctx.emergency_handling.authorise(
            ctx.principal,
            decode_id(input.id, "Application"),
            input.reason,
            input.legal_basis,
            input.material_codes,
            input.due_on,
            input.idempotency_key,
        )

    return run(info, ApplicationEmergencyAuthorisePayload, action)  # type: ignore[return-value]
