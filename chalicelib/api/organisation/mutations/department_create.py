"""departmentCreate: a department of one centre (a line department, its approval bureau, or its office)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.organisation.errors import catch
from chalicelib.api.organisation.mutations.base import DepartmentPayload
from chalicelib.api.organisation.types import DepartmentKind
from chalicelib.api.relay import decode_id
from chalicelib.domain import organisation as org
from chalicelib.services.organisation import new_department


@strawberry.input
class DepartmentCreateInput:
    code: str = strawberry.field(description="The department's id: 2-40 lower-case letters, digits or hyphens.")
    name: str
    centre_id: strawberry.ID
    supervision_phone: str = ""
    kind: DepartmentKind = org.DepartmentKind.LINE  # type: ignore[valid-type]
    reason: str = ""
    credit_code: str = strawberry.field(
        default="", description="Unified social credit code (a bureau's licence identifiers name it)."
    )
    division_code: str = strawberry.field(
        default="", description="Administrative division code (a bureau's licences' jurisdiction code)."
    )


@strawberry.type
class DepartmentCreatePayload(DepartmentPayload):
    pass


def department_create(info: Info, input: DepartmentCreateInput) -> DepartmentCreatePayload:
    ctx = info.context

    def run() -> org.Department:
        centre = decode_id(input.centre_id, "Centre", "centreId")
        department = new_department(
            input.code,
            input.name,
            centre,
            input.supervision_phone,
            org.DepartmentKind(input.kind),
            input.credit_code,
            input.division_code,
        )
        return ctx.organisation.create_department(ctx.principal, department, input.reason)

    department, errors = catch(run)
    return DepartmentCreatePayload(
        department=Department.from_domain(department) if department else None, user_errors=errors
    )
