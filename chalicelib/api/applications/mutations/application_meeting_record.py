"""applicationMeetingRecord: record a joint inspection or joint review meeting (联合踏勘/联合会审)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.applications.types import MeetingKind
from chalicelib.api.relay import decode_id
from chalicelib.domain import application as da


@strawberry.input
class DepartmentOpinionInput:
    department_id: strawberry.ID
    opinion: str


@strawberry.input
class ApplicationMeetingRecordInput:
    id: strawberry.ID
    kind: MeetingKind  # type: ignore[valid-type]
    held_on: date
    opinions: list[DepartmentOpinionInput]
    idempotency_key: str | None = None


@strawberry.type
class ApplicationMeetingRecordPayload(ApplicationPayload):
    pass


def application_meeting_record(info: Info, input: ApplicationMeetingRecordInput) -> ApplicationMeetingRecordPayload:
    ctx = info.context

    def action() -> da.Application:
        opinions = [
            da.DepartmentOpinion(decode_id(o.department_id, "Department", f"opinions[{i}].departmentId"), o.opinion)
            for i, o in enumerate(input.opinions[:50])
        ]
        return ctx.applications.record_meeting(
            ctx.principal,
            decode_id(input.id, "Application"),
            da.MeetingKind(input.kind),
            input.held_on,
            opinions,
            input.idempotency_key,
        )

    return run(info, ApplicationMeetingRecordPayload, action)  # type: ignore[return-value]
