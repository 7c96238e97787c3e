"""applicationDecide: An approver decides; a refusal becomes a rejection report for a supervisor (seed 004)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.applications.types import Outcome
from chalicelib.api.relay import decode_id
from chalicelib.domain import application as da


@strawberry.input
class ApplicationDecideInput:
    id: strawberry.ID
    outcome: Outcome  # type: ignore[valid-type]
    reason: str
    legal_basis: str = ""
    idempotency_key: str | None = None


@strawberry.type
class ApplicationDecidePayload(ApplicationPayload):
    pass


def application_decide(info: Info, input: ApplicationDecideInput) -> ApplicationDecidePayload:
    ctx = info.context

    def action() -> da.Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.decide(
            ctx.principal, case_id, da.Outcome(input.outcome), input.reason, input.legal_basis, input.idempotency_key
        )

    return run(info, ApplicationDecidePayload, action)  # type: ignore[return-value]
