"""departmentClose: 撤销 a department with no open cases, powers or staff left."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.organisation.errors import catch
from chalicelib.api.organisation.mutations.base import DepartmentPayload
from chalicelib.api.relay import decode_id


@strawberry.input
class DepartmentCloseInput:
    id: strawberry.ID
    expected_version: int
    reason: str


@strawberry.type
class DepartmentClosePayload(DepartmentPayload):
    pass


def department_close(info: Info, input: DepartmentCloseInput) -> DepartmentClosePayload:
    ctx = info.context
    department, errors = catch(
        lambda: ctx.organisation.close_department(
            ctx.principal, decode_id(input.id, "Department"), input.reason, input.expected_version
        )
    )
    return DepartmentClosePayload(
        department=Department.from_domain(department) if department else None, user_errors=errors
    )
