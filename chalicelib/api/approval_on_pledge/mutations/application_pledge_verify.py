"""applicationPledgeVerify: the supervising department verifies a pledge after approval; a false
pledge revokes the certificate, records a serious credit record and bars the applicant."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationPledgeVerifyInput:
    id: strawberry.ID
    truthful: bool = strawberry.field(description="false: the pledge was found untrue (虚假承诺).")
    findings: str
    idempotency_key: str | None = None


@strawberry.type
class ApplicationPledgeVerifyPayload(ApplicationPayload):
    pass


def application_pledge_verify(info: Info, input: ApplicationPledgeVerifyInput) -> ApplicationPledgeVerifyPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.approval_on_pledge.verify(
            ctx.principal, case_id, input.truthful, input.findings, input.idempotency_key
        )

    return run(info, ApplicationPledgeVerifyPayload, action)  # type: ignore[return-value]
