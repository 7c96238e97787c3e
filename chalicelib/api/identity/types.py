"""`me`: who the caller is, as the API sees them."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre, Department
from chalicelib.api.permissions import AUTHENTICATED, field, visible_to
from chalicelib.domain.identity import Role as DomainRole

Role = strawberry.enum(DomainRole, name="Role")


@visible_to(AUTHENTICATED)
@strawberry.type
class Me:
    subject: str
    name: str
    roles: list[Role]  # type: ignore[valid-type]
    is_staff: bool
    department_id: strawberry.Private[str | None]
    centre_id: strawberry.Private[str | None]

    @field(access=AUTHENTICATED, description="Staff only: the department the caller is scoped to.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id) if self.department_id else None
        return Department.from_domain(found) if found else None

    @field(access=AUTHENTICATED, description="Staff only: the centre the caller is scoped to.")
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.centre_id) if self.centre_id else None
        return Centre.from_domain(found) if found else None


@strawberry.type
class IdentityQuery:
    @field(access=AUTHENTICATED)
    def me(self, info: Info) -> Me:
        p = info.context.principal
        return Me(
            subject=p.subject,
            name=p.name,
            roles=sorted(p.roles),
            is_staff=p.is_staff,
            department_id=p.department_id,
            centre_id=p.centre_id,
        )
