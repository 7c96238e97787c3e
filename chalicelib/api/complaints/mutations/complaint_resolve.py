"""complaintResolve: a supervisor settles a complaint once, substantiated or not, with a note."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.complaints.mutations.base import ComplaintPayload, run
from chalicelib.api.complaints.types import ComplaintOutcome
from chalicelib.api.relay import decode_id
from chalicelib.domain import complaint as dc


@strawberry.input
class ComplaintResolveInput:
    id: strawberry.ID
    outcome: ComplaintOutcome  # type: ignore[valid-type]
    note: str


@strawberry.type
class ComplaintResolvePayload(ComplaintPayload):
    pass


def complaint_resolve(info: Info, input: ComplaintResolveInput) -> ComplaintResolvePayload:
    ctx = info.context

    def action() -> dc.Complaint:
        complaint_id = decode_id(input.id, "Complaint")
        return ctx.complaints.resolve(ctx.principal, complaint_id, dc.ComplaintOutcome(input.outcome), input.note)

    return run(ComplaintResolvePayload, action)  # type: ignore[return-value]
