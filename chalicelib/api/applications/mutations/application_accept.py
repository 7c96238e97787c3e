"""applicationAccept: 受理: accept a complete submission at the comprehensive window (seeds 002, 004)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationAcceptInput:
    id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.type
class ApplicationAcceptPayload(ApplicationPayload):
    pass


def application_accept(info: Info, input: ApplicationAcceptInput) -> ApplicationAcceptPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.accept(ctx.principal, case_id, input.idempotency_key)

    return run(info, ApplicationAcceptPayload, action)  # type: ignore[return-value]
