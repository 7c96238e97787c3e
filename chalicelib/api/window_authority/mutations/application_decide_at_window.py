"""applicationDecideAtWindow: the clerk of an authorised window post accepts and approves an
immediate item in one step; the decision records the authority used (seed 004 三(三))."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.api.window_authority.types import decode_post
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationDecideAtWindowInput:
    id: strawberry.ID
    window_post_id: strawberry.ID = strawberry.field(description="The post the clerk sits at (holder or AB backup).")
    reason: str
    legal_basis: str = ""
    idempotency_key: str | None = None


@strawberry.type
class ApplicationDecideAtWindowPayload(ApplicationPayload):
    pass


def application_decide_at_window(info: Info, input: ApplicationDecideAtWindowInput) -> ApplicationDecideAtWindowPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        centre_id, post_id = decode_post(input.window_post_id)
        return ctx.window_authority.decide(
            ctx.principal, case_id, centre_id, post_id, input.reason, input.legal_basis, input.idempotency_key
        )

    return run(info, ApplicationDecideAtWindowPayload, action)  # type: ignore[return-value]
