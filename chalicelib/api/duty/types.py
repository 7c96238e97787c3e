"""GraphQL types of the duty roster and its monthly register."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.permissions import STAFF, field, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.domain import duty as dd
from chalicelib.services.duty import UnitRegister

DutyShiftStatus = strawberry.enum(dd.ShiftStatus, name="DutyShiftStatus")


@visible_to(STAFF)
@strawberry.type(description="A unit head's duty day at the windows.")
class DutyShift:
    day: date
    staff_id: str
    staff_name: str
    checked_in_at: DateTime | None
    checked_out_at: DateTime | None
    status: DutyShiftStatus  # type: ignore[valid-type]

    @classmethod
    def from_domain(cls, s: dd.Shift, status: dd.ShiftStatus) -> DutyShift:
        return cls(
            day=s.day,
            staff_id=s.staff_id,
            staff_name=s.staff_name,
            checked_in_at=s.checked_in_at,
            checked_out_at=s.checked_out_at,
            status=status,
        )


@visible_to(STAFF)
@strawberry.type(description="One unit's duty register of a month (每月登记).")
class DutyRegister:
    shifts: list[DutyShift]
    scheduled: int
    attended: int
    missed: int
    department_id: strawberry.Private[str]

    @field(access=STAFF, description="The unit.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, u: UnitRegister) -> DutyRegister:
        return cls(
            shifts=[DutyShift.from_domain(s, status) for s, status in u.shifts],
            scheduled=len(u.shifts),
            attended=sum(1 for _, st in u.shifts if st is dd.ShiftStatus.ATTENDED),
            missed=len(u.missed),
            department_id=u.department_id,
        )
