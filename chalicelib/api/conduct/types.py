"""GraphQL types of the staff conduct ledger and of 通报 bulletins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.permissions import PUBLIC, STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import bulletin as db
from chalicelib.domain import conduct as dc

ConductKind = strawberry.enum(dc.ConductKind, name="ConductKind")
ConductConsequence = strawberry.enum(dc.Consequence, name="ConductConsequence")
BulletinKind = strawberry.enum(db.BulletinKind, name="BulletinKind")


@visible_to(STAFF)
@strawberry.type(description="A lapse charged to a person (seed 004 四.2).")
class StaffViolation:
    id: strawberry.ID
    staff_id: strawberry.ID
    kind: ConductKind  # type: ignore[valid-type]
    label: str
    at: DateTime
    evidence: str
    recorded_by: str = strawberry.field(description="A supervisor's id, or `system` for automatic entries.")
    ordinal: int = strawberry.field(description="The incident's number in the person's year.")
    consequence: ConductConsequence  # type: ignore[valid-type]
    application_id: strawberry.ID | None
    unit_violation: str = strawberry.field(description="The unit ledger entry it came with (automatic ones).")
    department_id: strawberry.Private[str]

    @field(access=STAFF, description="The person's unit.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, v: dc.StaffViolation) -> StaffViolation:
        return cls(
            id=global_id("StaffViolation", f"{v.staff_id}/{v.at}#{v.id}"),
            staff_id=global_id("Staff", v.staff_id),
            kind=v.kind,
            label=v.label,
            at=v.at,
            evidence=v.evidence,
            recorded_by=v.recorded_by,
            ordinal=v.ordinal,
            consequence=v.consequence,
            application_id=global_id("Application", v.application_id) if v.application_id else None,
            unit_violation=v.unit_violation,
            department_id=v.department_id,
        )


@visible_to(PUBLIC)
@strawberry.type(description="通报: a public notice of a lapse (seed 004).")
class Bulletin:
    kind: BulletinKind  # type: ignore[valid-type]
    title: str
    text: str
    at: DateTime
    department_id: strawberry.Private[str]

    @field(access=PUBLIC, description="The unit concerned.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, b: db.Bulletin) -> Bulletin:
        return cls(kind=b.kind, title=b.title, text=b.text, at=b.at, department_id=b.department_id)
