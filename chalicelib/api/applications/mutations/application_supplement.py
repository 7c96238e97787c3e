"""applicationSupplement: supply materials after a one-time notice or under a credit pledge."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.applications.mutations.inputs import MaterialFileInput, to_refs
from chalicelib.api.relay import decode_id
from chalicelib.domain import application as da


@strawberry.input
class ApplicationSupplementInput:
    id: strawberry.ID
    materials: list[MaterialFileInput]
    idempotency_key: str | None = None


@strawberry.type
class ApplicationSupplementPayload(ApplicationPayload):
    pass


def application_supplement(info: Info, input: ApplicationSupplementInput) -> ApplicationSupplementPayload:
    ctx = info.context

    def action() -> da.Application:
        return ctx.applications.supplement(
            ctx.principal, decode_id(input.id, "Application"), to_refs(input.materials), input.idempotency_key
        )

    return run(info, ApplicationSupplementPayload, action)  # type: ignore[return-value]
