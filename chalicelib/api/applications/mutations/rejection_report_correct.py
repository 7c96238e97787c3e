"""rejectionReportCorrect: 否认报备: the supervisor corrects a wrong refusal; the case returns to review."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class RejectionReportCorrectInput:
    id: strawberry.ID
    note: str
    idempotency_key: str | None = None


@strawberry.type
class RejectionReportCorrectPayload(ApplicationPayload):
    pass


def rejection_report_correct(info: Info, input: RejectionReportCorrectInput) -> RejectionReportCorrectPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.correct_rejection(ctx.principal, case_id, input.note, input.idempotency_key)

    return run(info, RejectionReportCorrectPayload, action)  # type: ignore[return-value]
