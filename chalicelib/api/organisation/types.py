"""GraphQL types of the organisation's published change history (seed 003: recorded and published).

The centres and departments themselves are the catalogue's `Centre` and `Department` types; a
version here is a snapshot of one as it became, with when and why (the actor for staff only)."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import PUBLIC, STAFF, field, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.domain import organisation as org

OrgStatus = strawberry.enum(org.OrgStatus, name="OrganisationStatus")
DepartmentKind = strawberry.enum(org.DepartmentKind, name="DepartmentKind")
OrgChangeKind = strawberry.enum(org.OrgChangeKind, name="OrganisationChangeKind")


@visible_to(PUBLIC)
@strawberry.type
class CentreVersion:
    """One published change of a centre."""

    number: int
    change: OrgChangeKind  # type: ignore[valid-type]
    at: DateTime
    reason: str
    name: str
    address: str
    phone: str
    status: OrgStatus  # type: ignore[valid-type]
    actor: strawberry.Private[str]

    @classmethod
    def from_domain(cls, v: org.CentreVersion) -> CentreVersion:
        c = v.centre
        return cls(
            number=c.version,
            change=v.change,
            at=v.at,
            reason=v.reason,
            name=c.name,
            address=c.address,
            phone=c.phone,
            status=c.status,
            actor=v.actor_id,
        )

    @field(access=STAFF, description="Staff id of the administrator who made the change.")
    def actor_id(self) -> str:
        return self.actor


@visible_to(PUBLIC)
@strawberry.type
class DepartmentVersion:
    """One published change of a department."""

    number: int
    change: OrgChangeKind  # type: ignore[valid-type]
    at: DateTime
    reason: str
    name: str
    supervision_phone: str
    kind: DepartmentKind  # type: ignore[valid-type]
    status: OrgStatus  # type: ignore[valid-type]
    actor: strawberry.Private[str]

    @classmethod
    def from_domain(cls, v: org.DepartmentVersion) -> DepartmentVersion:
        d = v.department
        return cls(
            number=d.version,
            change=v.change,
            at=v.at,
            reason=v.reason,
            name=d.name,
            supervision_phone=d.supervision_phone,
            kind=d.kind,
            status=d.status,
            actor=v.actor_id,
        )

    @field(access=STAFF, description="Staff id of the administrator who made the change.")
    def actor_id(self) -> str:
        return self.actor
