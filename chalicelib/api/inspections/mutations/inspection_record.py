"""inspectionRecord: the supervising department records an inspection of a certificate holder
(事中事后监管); a serious violation limits the holder everywhere (一处违法、处处受限) and the
outcome is copied to the issuing bureau (监管结果抄告), seed 002 (九)(十一)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.inspections.errors import InspectionError, catch
from chalicelib.api.inspections.types import Inspection, InspectionOutcome
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import inspection as din


@strawberry.input
class InspectionRecordInput:
    certificate_id: strawberry.ID
    inspected_on: date
    outcome: InspectionOutcome  # type: ignore[valid-type]
    findings: str = strawberry.field(description="What was found (required, at most 2000 characters).")
    idempotency_key: str | None = None


@visible_to(AUTHENTICATED)
@strawberry.type
class InspectionRecordPayload:
    inspection: Inspection | None
    user_errors: list[InspectionError]


def inspection_record(info: Info, input: InspectionRecordInput) -> InspectionRecordPayload:
    ctx = info.context

    def action() -> din.Inspection:
        return ctx.inspections.record(
            ctx.principal,
            decode_id(input.certificate_id, "Certificate", "certificateId"),
            input.inspected_on,
            din.InspectionOutcome(input.outcome),
            input.findings,
            input.idempotency_key,
        )

    inspection, errors = catch(action)
    return InspectionRecordPayload(
        inspection=Inspection.from_domain(inspection) if inspection else None, user_errors=errors
    )
