"""oversightInspectionRecord: a city department inspects a receiving centre's exercise of one of
its delegated powers (seed 003 二(六) 行政监督检查)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.counterpart.mutations.base import OversightPayload, run
from chalicelib.api.counterpart.types import OversightOutcome
from chalicelib.api.relay import decode_id
from chalicelib.domain import counterpart as dcp


@strawberry.input
class OversightInspectionRecordInput:
    item_id: strawberry.ID
    centre_id: strawberry.ID
    receiving_department_id: strawberry.ID
    inspected_on: date
    outcome: OversightOutcome  # type: ignore[valid-type]
    findings: str
    idempotency_key: str | None = None


@strawberry.type
class OversightInspectionRecordPayload(OversightPayload):
    pass


def oversight_inspection_record(info: Info, input: OversightInspectionRecordInput) -> OversightInspectionRecordPayload:
    ctx = info.context

    def action() -> dcp.OversightInspection:
        return ctx.counterpart.record(
            ctx.principal,
            decode_id(input.item_id, "ServiceItem", "itemId"),
            decode_id(input.centre_id, "Centre", "centreId"),
            decode_id(input.receiving_department_id, "Department", "receivingDepartmentId"),
            input.inspected_on,
            dcp.InspectionOutcome(input.outcome),
            input.findings,
            input.idempotency_key,
        )

    return run(OversightInspectionRecordPayload, action)  # type: ignore[return-value]
