"""staffReturnToUnit: 退回原单位 (seed 004 三(二)): the centre sends a person back, with a reason."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.relay import decode_id
from chalicelib.api.staff.errors import catch
from chalicelib.api.staff.mutations.base import StaffPayload
from chalicelib.api.staff.types import StaffMember
from chalicelib.domain import staff as ds


@strawberry.input
class StaffReturnToUnitInput:
    staff_id: strawberry.ID
    reason: str


@strawberry.type
class StaffReturnToUnitPayload(StaffPayload):
    pass


def staff_return_to_unit(info: Info, input: StaffReturnToUnitInput) -> StaffReturnToUnitPayload:
    ctx = info.context

    def action() -> ds.Staff:
        return ctx.staff.return_to_unit(ctx.principal, decode_id(input.staff_id, "Staff", "staffId"), input.reason)

    staff, errors = catch(action)
    return StaffReturnToUnitPayload(staff_member=StaffMember.from_domain(staff) if staff else None, user_errors=errors)
