"""The fields of a staff record an administrator sets (create and change share them)."""

from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.api.relay import decode_id
from chalicelib.api.staff.types import StaffRole
from chalicelib.domain import staff as ds
from chalicelib.domain.identity import Role


@strawberry.input(description="A staff record's facts (seed 004 三(二)).")
class StaffRecordInput:
    name: str
    staff_number: str
    department_id: strawberry.ID
    roles: list[StaffRole]  # type: ignore[valid-type]
    established: bool = strawberry.field(description="正式在编.")
    joined_unit_on: date | None = strawberry.field(default=None, description="Since when in the home unit.")
    enforcement_cert_no: str = strawberry.field(default="", description="行政执法证号; empty: not qualified.")
    photo_ref: str = ""
    heads_section: str = strawberry.field(default="", description="The section this person heads (科室负责人).")
    section_approves: bool = strawberry.field(default=False, description="That section is the approving one.")
    deputy_head: bool = strawberry.field(
        default=False, description="单位副职负责人: a deputy head, who takes turns on window duty (seed 004 三(一))."
    )


def draft(staff_id: str, record: StaffRecordInput) -> ds.Staff:
    return ds.Staff(
        id=staff_id,
        name=record.name,
        roles=frozenset(Role(r) for r in record.roles),
        department_id=decode_id(record.department_id, "Department", "record.departmentId"),
        centre_id="",
        staff_number=record.staff_number,
        established=record.established,
        joined_unit_on=record.joined_unit_on,
        enforcement_cert_no=record.enforcement_cert_no,
        photo_ref=record.photo_ref,
        heads_section=record.heads_section,
        section_approves=record.section_approves,
        deputy_head=record.deputy_head,
    )
