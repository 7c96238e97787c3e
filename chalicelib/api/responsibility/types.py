"""GraphQL types of the responsibility matrix (staff only)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.permissions import STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import responsibility as dr
from chalicelib.services.responsibility import StandingMatrix

ResponsibilityStepKind = strawberry.enum(dr.StepKind, name="ResponsibilityStepKind")


@visible_to(STAFF)
@strawberry.type(description="One procedure step: department, leader, section, post and person.")
class ResponsibilityStep:
    step: ResponsibilityStepKind  # type: ignore[valid-type]
    leader_staff_id: str = strawberry.field(description="责任领导.")
    section: str = strawberry.field(description="业务科室.")
    post_id: strawberry.ID | None = strawberry.field(description="工作岗位: a window post, if any.")
    person_staff_id: str = strawberry.field(description="工作人员 today: the post's holder, else the named person.")
    named_staff_id: str = strawberry.field(description="The person the matrix names (may be empty for a post).")
    stale: bool = strawberry.field(description="The named person was returned to the unit: correct the matrix.")
    acting_as_backup: bool = strawberry.field(
        description="The person today is the post's AB backup acting for it (its A on leave or returned, 顶岗)."
    )
    current: bool = strawberry.field(description="The step the case is at (case view only).")
    department_id: strawberry.Private[str]

    @field(access=STAFF, description="职能部门.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None


@visible_to(STAFF)
@strawberry.type(description="责任分工 of one item at one centre (seed 003 二(三)4).")
class ResponsibilityMatrix:
    item_code: str
    centre_id: strawberry.ID
    version: int
    updated_by: str
    updated_at: DateTime
    filed_with_department_id: str | None = strawberry.field(
        description="The delegating city department it was filed with (delegated powers)."
    )
    steps: list[ResponsibilityStep]

    @classmethod
    def from_standing(cls, s: StandingMatrix) -> ResponsibilityMatrix:
        m = s.matrix
        steps = [
            ResponsibilityStep(
                step=r.assignment.step,
                leader_staff_id=r.assignment.leader_staff_id,
                section=r.assignment.section,
                post_id=global_id("WindowPost", r.assignment.post) if r.assignment.post else None,
                person_staff_id=r.person,
                named_staff_id=r.assignment.staff_id,
                stale=r.stale,
                acting_as_backup=r.acting_as_backup,
                current=r.assignment.step is s.current,
                department_id=r.assignment.department_id,
            )
            for r in s.steps
        ]
        return cls(
            item_code=m.item_code,
            centre_id=global_id("Centre", m.centre_id),
            version=m.version,
            updated_by=m.updated_by,
            updated_at=m.updated_at,
            filed_with_department_id=m.filed_with or None,
            steps=steps,
        )
