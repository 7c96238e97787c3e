"""oversightOpinionIssue: the rectification opinion (整改意见) with its due date."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.counterpart.mutations.base import OversightPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain import counterpart as dcp


@strawberry.input
class OversightOpinionIssueInput:
    id: strawberry.ID
    requirements: str
    due_on: date


@strawberry.type
class OversightOpinionIssuePayload(OversightPayload):
    pass


def oversight_opinion_issue(info: Info, input: OversightOpinionIssueInput) -> OversightOpinionIssuePayload:
    ctx = info.context

    def action() -> dcp.OversightInspection:
        inspection = decode_id(input.id, "OversightInspection")
        return ctx.counterpart.issue_opinion(ctx.principal, inspection, input.requirements, input.due_on)

    return run(OversightOpinionIssuePayload, action)  # type: ignore[return-value]
