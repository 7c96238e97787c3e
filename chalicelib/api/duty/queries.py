"""Duty queries: the monthly register (supervisors: every unit; a unit's staff: their own)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.duty.types import DutyRegister
from chalicelib.api.errors import BAD_REQUEST, FORBIDDEN, ApiError
from chalicelib.api.permissions import STAFF, field
from chalicelib.api.relay import decode_id
from chalicelib.domain.errors import DomainError


@strawberry.type
class DutyQuery:
    @field(
        access=STAFF,
        description="单位负责人窗口值班登记 of a month (YYYY-MM), per unit (seed 004 三(一)): supervisors and "
        "admins see every unit or one; a unit's staff see their own unit.",
    )
    def duty_register(self, info: Info, month: str, department_id: strawberry.ID | None = None) -> list[DutyRegister]:
        department = decode_id(department_id, "Department", "departmentId") if department_id else None
        try:
            units = info.context.duty.register(info.context.principal, month, department)
        except DomainError as error:
            v = error.violations[0]
            raise ApiError(FORBIDDEN if v.code == "FORBIDDEN" else BAD_REQUEST, v.message, field=v.field) from error
        info.context.departments.want(u.department_id for u in units)
        return [DutyRegister.from_domain(u) for u in units]
