"""applicationPledgeNoticeIssue: the window gives the written notice of 告知承诺制 (conditions, liability)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationPledgeNoticeIssueInput:
    id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.type
class ApplicationPledgeNoticeIssuePayload(ApplicationPayload):
    pass


def application_pledge_notice_issue(
    info: Info, input: ApplicationPledgeNoticeIssueInput
) -> ApplicationPledgeNoticeIssuePayload:
    ctx = info.context

    def action() -> Application:
        return ctx.approval_on_pledge.notify(ctx.principal, decode_id(input.id, "Application"), input.idempotency_key)

    return run(info, ApplicationPledgeNoticeIssuePayload, action)  # type: ignore[return-value]
