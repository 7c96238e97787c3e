"""adjustmentRequestApprove: the government's decision, recorded with its reference number;
approval publishes the adjustment memo (seed 003 二(二)2)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.delegation.mutations.base import AdjustmentRequestPayload, Outcome, run
from chalicelib.api.relay import decode_id


@strawberry.input
class AdjustmentRequestApproveInput:
    id: strawberry.ID
    passed: bool
    approval_reference: str = strawberry.field(description="市政府审定文号.")
    note: str = ""


@strawberry.type
class AdjustmentRequestApprovePayload(AdjustmentRequestPayload):
    pass


def adjustment_request_approve(info: Info, input: AdjustmentRequestApproveInput) -> AdjustmentRequestApprovePayload:
    ctx = info.context

    def action() -> Outcome:
        request_id = decode_id(input.id, "AdjustmentRequest")
        return ctx.delegation.approve(ctx.principal, request_id, input.passed, input.approval_reference, input.note)

    return run(AdjustmentRequestApprovePayload, action)  # type: ignore[return-value]
