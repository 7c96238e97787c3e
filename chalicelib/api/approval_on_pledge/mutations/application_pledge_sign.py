"""applicationPledgeSign: the applicant pledges in writing; the case is accepted on the pledge (告知承诺制)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationPledgeSignInput:
    id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.type
class ApplicationPledgeSignPayload(ApplicationPayload):
    pass


def application_pledge_sign(info: Info, input: ApplicationPledgeSignInput) -> ApplicationPledgeSignPayload:
    ctx = info.context

    def action() -> Application:
        return ctx.approval_on_pledge.pledge(ctx.principal, decode_id(input.id, "Application"), input.idempotency_key)

    return run(info, ApplicationPledgeSignPayload, action)  # type: ignore[return-value]
