"""departmentWindowSet: name a department window's leader and office director (seeds 001, 004)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.staff.errors import StaffError, catch
from chalicelib.api.staff.types import DepartmentWindowStaffing
from chalicelib.domain import staff as ds


@strawberry.input
class DepartmentWindowSetInput:
    department_id: strawberry.ID
    leader_staff_id: strawberry.ID = strawberry.field(description="窗口负责人: heads the approving section.")
    office_director_staff_id: strawberry.ID = strawberry.field(description="办公室主任: a section head (实职科长).")
    reason: str


@visible_to(PUBLIC)
@strawberry.type
class DepartmentWindowSetPayload:
    staffing: DepartmentWindowStaffing | None
    user_errors: list[StaffError]


def department_window_set(info: Info, input: DepartmentWindowSetInput) -> DepartmentWindowSetPayload:
    ctx = info.context

    def action() -> ds.WindowStaffing:
        return ctx.staff.department_window_set(
            ctx.principal,
            decode_id(input.department_id, "Department", "departmentId"),
            decode_id(input.leader_staff_id, "Staff", "leaderStaffId"),
            decode_id(input.office_director_staff_id, "Staff", "officeDirectorStaffId"),
            input.reason,
        )

    found, errors = catch(action)
    ctx.departments.want([found.department_id] if found else [])
    staffing = DepartmentWindowStaffing.from_domain(found) if found else None
    return DepartmentWindowSetPayload(staffing=staffing, user_errors=errors)
