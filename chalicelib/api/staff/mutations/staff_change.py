"""staffChange: an administrator edits a staff record (a new published version)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.relay import decode_id
from chalicelib.api.staff.errors import catch
from chalicelib.api.staff.mutations.base import StaffPayload
from chalicelib.api.staff.mutations.staff_fields import StaffRecordInput, draft
from chalicelib.api.staff.types import StaffMember
from chalicelib.domain import staff as ds


@strawberry.input
class StaffChangeInput:
    id: strawberry.ID
    expected_version: int
    record: StaffRecordInput
    reason: str


@strawberry.type
class StaffChangePayload(StaffPayload):
    pass


def staff_change(info: Info, input: StaffChangeInput) -> StaffChangePayload:
    ctx = info.context

    def action() -> ds.Staff:
        staff_id = decode_id(input.id, "Staff")
        return ctx.staff.change(
            ctx.principal, staff_id, draft(staff_id, input.record), input.expected_version, input.reason
        )

    staff, errors = catch(action)
    return StaffChangePayload(staff_member=StaffMember.from_domain(staff) if staff else None, user_errors=errors)
