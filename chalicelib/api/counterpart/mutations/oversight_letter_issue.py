"""oversightLetterIssue: the formal rectification letter (整改意见书) to a centre that did not rectify
by the opinion's due date; the centre must answer it."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.counterpart.mutations.base import OversightPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain import counterpart as dcp


@strawberry.input
class OversightLetterIssueInput:
    id: strawberry.ID
    requirements: str
    due_on: date


@strawberry.type
class OversightLetterIssuePayload(OversightPayload):
    pass


def oversight_letter_issue(info: Info, input: OversightLetterIssueInput) -> OversightLetterIssuePayload:
    ctx = info.context

    def action() -> dcp.OversightInspection:
        inspection = decode_id(input.id, "OversightInspection")
        return ctx.counterpart.issue_letter(ctx.principal, inspection, input.requirements, input.due_on)

    return run(OversightLetterIssuePayload, action)  # type: ignore[return-value]
