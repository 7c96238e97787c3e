"""rejectionReportConfirm: 否认报备: the supervisor confirms the refusal; the applicant is told in writing with the legal basis."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class RejectionReportConfirmInput:
    id: strawberry.ID
    note: str = ""
    idempotency_key: str | None = None


@strawberry.type
class RejectionReportConfirmPayload(ApplicationPayload):
    pass


def rejection_report_confirm(info: Info, input: RejectionReportConfirmInput) -> RejectionReportConfirmPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.confirm_rejection(ctx.principal, case_id, input.note, input.idempotency_key)

    return run(info, RejectionReportConfirmPayload, action)  # type: ignore[return-value]
