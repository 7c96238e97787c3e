"""applicationWithdraw: The applicant withdraws before the decision."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationWithdrawInput:
    id: strawberry.ID
    reason: str = ""
    idempotency_key: str | None = None


@strawberry.type
class ApplicationWithdrawPayload(ApplicationPayload):
    pass


def application_withdraw(info: Info, input: ApplicationWithdrawInput) -> ApplicationWithdrawPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.withdraw(ctx.principal, case_id, input.reason, input.idempotency_key)

    return run(info, ApplicationWithdrawPayload, action)  # type: ignore[return-value]
