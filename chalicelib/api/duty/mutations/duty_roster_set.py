"""dutyRosterSet: put a unit head on the window duty roster for working days (seed 004 三(一))."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.duty.errors import DutyError, catch
from chalicelib.api.duty.types import DutyShift
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import duty as dd


@strawberry.input
class DutyRosterSetInput:
    department_id: strawberry.ID
    staff_id: strawberry.ID = strawberry.field(description="The unit head (单位负责人).")
    days: list[date]


@visible_to(AUTHENTICATED)
@strawberry.type
class DutyRosterSetPayload:
    shifts: list[DutyShift]
    user_errors: list[DutyError]


def duty_roster_set(info: Info, input: DutyRosterSetInput) -> DutyRosterSetPayload:
    ctx = info.context

    def action() -> list[dd.Shift]:
        return ctx.duty.roster_set(
            ctx.principal,
            decode_id(input.department_id, "Department", "departmentId"),
            decode_id(input.staff_id, "Staff", "staffId"),
            list(input.days),
        )

    shifts, errors = catch(action)
    today = ctx.duty.today()
    return DutyRosterSetPayload(
        shifts=[DutyShift.from_domain(s, s.status(today)) for s in shifts or []], user_errors=errors
    )
