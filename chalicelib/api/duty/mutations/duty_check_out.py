"""dutyCheckOut: the rostered unit head checks out at the window today (seed 004 三(一))."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.duty.errors import DutyError, catch
from chalicelib.api.duty.types import DutyShift
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import duty as dd


@strawberry.input
class DutyCheckOutInput:
    department_id: strawberry.ID = strawberry.field(description="The unit whose duty roster names the caller today.")


@visible_to(AUTHENTICATED)
@strawberry.type
class DutyCheckOutPayload:
    shift: DutyShift | None
    user_errors: list[DutyError]


def duty_check_out(info: Info, input: DutyCheckOutInput) -> DutyCheckOutPayload:
    ctx = info.context

    def action() -> dd.Shift:
        return ctx.duty.check_out(ctx.principal, decode_id(input.department_id, "Department", "departmentId"))

    shift, errors = catch(action)
    found = DutyShift.from_domain(shift, shift.status(ctx.duty.today())) if shift else None
    return DutyCheckOutPayload(shift=found, user_errors=errors)
