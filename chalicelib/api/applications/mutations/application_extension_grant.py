"""applicationExtensionGrant: A supervisor extends the limit by working days, with a reason."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationExtensionGrantInput:
    id: strawberry.ID
    days: int
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class ApplicationExtensionGrantPayload(ApplicationPayload):
    pass


def application_extension_grant(info: Info, input: ApplicationExtensionGrantInput) -> ApplicationExtensionGrantPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.grant_extension(ctx.principal, case_id, input.days, input.reason, input.idempotency_key)

    return run(info, ApplicationExtensionGrantPayload, action)  # type: ignore[return-value]
