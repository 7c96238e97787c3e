"""applicationAcceptWithDeficiency: 容缺受理: accept with secondary materials missing under a credit pledge (seed 002)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationAcceptWithDeficiencyInput:
    id: strawberry.ID
    missing_material_codes: list[str]
    pledge_due_on: date
    idempotency_key: str | None = None


@strawberry.type
class ApplicationAcceptWithDeficiencyPayload(ApplicationPayload):
    pass


def application_accept_with_deficiency(
    info: Info, input: ApplicationAcceptWithDeficiencyInput
) -> ApplicationAcceptWithDeficiencyPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.accept_with_deficiency(
            ctx.principal, case_id, list(input.missing_material_codes), input.pledge_due_on, input.idempotency_key
        )

    return run(info, ApplicationAcceptWithDeficiencyPayload, action)  # type: ignore[return-value]
