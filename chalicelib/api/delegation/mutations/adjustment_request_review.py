"""adjustmentRequestReview: the reform office reviews a request with the city departments."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.delegation.mutations.base import AdjustmentRequestPayload, Outcome, run
from chalicelib.api.relay import decode_id


@strawberry.input
class AdjustmentRequestReviewInput:
    id: strawberry.ID
    passed: bool = strawberry.field(description="True: pass it to the government; false: refuse (note required).")
    note: str = ""


@strawberry.type
class AdjustmentRequestReviewPayload(AdjustmentRequestPayload):
    pass


def adjustment_request_review(info: Info, input: AdjustmentRequestReviewInput) -> AdjustmentRequestReviewPayload:
    ctx = info.context

    def action() -> Outcome:
        request_id = decode_id(input.id, "AdjustmentRequest")
        return ctx.delegation.review(ctx.principal, request_id, input.passed, input.note), None

    return run(AdjustmentRequestReviewPayload, action)  # type: ignore[return-value]
