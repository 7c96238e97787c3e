"""rectificationRecord: the lead department records the follow-up of a bad rating (回访整改)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.ratings.mutations.base import RatingPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain import rating as dr


@strawberry.input
class RectificationRecordInput:
    application_id: strawberry.ID
    follow_up: str
    idempotency_key: str | None = None


@strawberry.type
class RectificationRecordPayload(RatingPayload):
    pass


def rectification_record(info: Info, input: RectificationRecordInput) -> RectificationRecordPayload:
    ctx = info.context

    def action() -> dr.Rating:
        case_id = decode_id(input.application_id, "Application", "applicationId")
        return ctx.ratings.record_follow_up(ctx.principal, case_id, input.follow_up, input.idempotency_key)

    return run(RectificationRecordPayload, action)  # type: ignore[return-value]
