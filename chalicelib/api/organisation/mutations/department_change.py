"""departmentChange: name, supervision phone and kind of a department, as a new published version."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.organisation.errors import catch
from chalicelib.api.organisation.mutations.base import DepartmentPayload
from chalicelib.api.organisation.types import DepartmentKind
from chalicelib.api.relay import decode_id
from chalicelib.domain import organisation as org


@strawberry.input
class DepartmentChangeInput:
    id: strawberry.ID
    expected_version: int
    name: str
    supervision_phone: str
    kind: DepartmentKind  # type: ignore[valid-type]
    reason: str
    credit_code: str | None = strawberry.field(default=None, description="Unified social credit code (null: keep).")
    division_code: str | None = strawberry.field(default=None, description="Administrative division code (null: keep).")


@strawberry.type
class DepartmentChangePayload(DepartmentPayload):
    pass


def department_change(info: Info, input: DepartmentChangeInput) -> DepartmentChangePayload:
    ctx = info.context
    department, errors = catch(
        lambda: ctx.organisation.change_department(
            ctx.principal,
            decode_id(input.id, "Department"),
            input.name,
            input.supervision_phone,
            org.DepartmentKind(input.kind),
            input.reason,
            input.expected_version,
            input.credit_code,
            input.division_code,
        )
    )
    return DepartmentChangePayload(
        department=Department.from_domain(department) if department else None, user_errors=errors
    )
