"""GraphQL types of public transparency (阳光审批): a case's published progress and departments'
on-time rates. Everything here is public, so nothing here names staff or applicants' identifiers."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.types import Outcome
from chalicelib.api.catalogue.types import Department
from chalicelib.api.permissions import PUBLIC, field, visible_to
from chalicelib.domain import public_progress as dp
from chalicelib.services.public_progress import DepartmentRate

PublicStage = strawberry.enum(dp.PublicStage, name="PublicStage")


@visible_to(PUBLIC)
@strawberry.type(description="办件公示: one case as published to anyone holding its tracking code (seed 001).")
class PublicProgress:
    stage: PublicStage  # type: ignore[valid-type]
    item_name: str
    applicant_name_masked: str = strawberry.field(description="The applicant's name, masked (王*燕).")
    submitted_on: date
    accepted_on: date | None
    decided_on: date | None = strawberry.field(description="Set once the decision is final.")
    working_days_used: int | None = strawberry.field(
        description="Working days since acceptance (up to the decision), paused special-step days excluded."
    )
    promised_limit_days: int
    deadline: date | None = strawberry.field(description="Promised limit with extensions and paused days.")
    outcome: Outcome | None = strawberry.field(description="Set once the decision is final.")  # type: ignore[valid-type]
    deemed: bool = strawberry.field(description="超时默认: approved because the promised limit passed.")
    agent_identifier_masked: str | None = strawberry.field(
        description="代办: filed by an agent; the agent's verified identity, masked (null: no agent)."
    )
    department_id: strawberry.Private[str]
    centre_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, view: dp.PublicProgress, info: Info) -> PublicProgress:
        info.context.departments.want([view.lead_department_id])
        info.context.centres.want([view.centre_id])
        return cls(
            stage=view.stage,
            item_name=view.item_name,
            applicant_name_masked=view.applicant_name_masked,
            submitted_on=view.submitted_on,
            accepted_on=view.accepted_on,
            decided_on=view.decided_on,
            working_days_used=view.working_days_used,
            promised_limit_days=view.promised_limit_days,
            deadline=view.deadline,
            outcome=view.outcome,
            deemed=view.deemed,
            agent_identifier_masked=view.agent_identifier_masked,
            department_id=view.lead_department_id,
            centre_id=view.centre_id,
        )

    @field(access=PUBLIC, description="The responsible (lead) department.")
    def department_name(self, info: Info) -> str:
        found = info.context.departments.get(self.department_id)
        return found.name if found else ""

    @field(access=PUBLIC, description="The centre where the case was filed.")
    def centre_name(self, info: Info) -> str:
        found = info.context.centres.get(self.centre_id)
        return found.name if found else ""


@visible_to(PUBLIC)
@strawberry.type(description="A department's decisions in one month (效能公示): on time and overdue.")
class DepartmentOnTimeRate:
    decided: int
    on_time: int
    overdue: int
    on_time_rate: float | None = strawberry.field(description="on time / decided, 0..1; null without decisions.")
    department_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, rate: DepartmentRate) -> DepartmentOnTimeRate:
        return cls(
            decided=rate.decided,
            on_time=rate.on_time,
            overdue=rate.overdue,
            on_time_rate=rate.on_time_rate,
            department_id=rate.department_id,
        )

    @field(access=PUBLIC)
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None
