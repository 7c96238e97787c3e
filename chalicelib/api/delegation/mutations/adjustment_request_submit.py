"""adjustmentRequestSubmit: a receiving centre applies to take on or return powers (seed 003 二(二)1)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.delegation.mutations.base import AdjustmentRequestPayload, Outcome, run
from chalicelib.api.delegation.types import AdjustmentKind
from chalicelib.api.relay import decode_id
from chalicelib.domain import delegation as dd


@strawberry.input(description="One power to take on (with the receiving department) or to return.")
class AdjustmentChangeInput:
    kind: AdjustmentKind  # type: ignore[valid-type]
    item_id: strawberry.ID
    reason: str
    receiving_department_id: strawberry.ID | None = None
    co_reviewer_department_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class AdjustmentRequestSubmitInput:
    centre_id: strawberry.ID
    reason: str
    changes: list[AdjustmentChangeInput]
    idempotency_key: str | None = None


@strawberry.type
class AdjustmentRequestSubmitPayload(AdjustmentRequestPayload):
    pass


def _change(i: int, c: AdjustmentChangeInput) -> dd.AdjustmentChange:
    f = f"changes[{i}]"
    lead = c.receiving_department_id
    return dd.AdjustmentChange(
        kind=dd.AdjustmentKind(c.kind),
        item_code=decode_id(c.item_id, "ServiceItem", f"{f}.itemId"),
        reason=c.reason,
        receiving_department_id=decode_id(lead, "Department", f"{f}.receivingDepartmentId") if lead else None,
        co_reviewer_department_ids=tuple(
            decode_id(d, "Department", f"{f}.coReviewerDepartmentIds[{j}]")
            for j, d in enumerate(c.co_reviewer_department_ids)
        ),
    )


def adjustment_request_submit(info: Info, input: AdjustmentRequestSubmitInput) -> AdjustmentRequestSubmitPayload:
    ctx = info.context

    def action() -> Outcome:
        centre = decode_id(input.centre_id, "Centre", "centreId")
        changes = [_change(i, c) for i, c in enumerate(input.changes[: dd.MAX_CHANGES + 1])]
        return ctx.delegation.submit(ctx.principal, centre, changes, input.reason, input.idempotency_key), None

    return run(AdjustmentRequestSubmitPayload, action)  # type: ignore[return-value]
