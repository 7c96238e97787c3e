"""GraphQL types of counterpart oversight: the monitoring rows and the inspections with their
rectification opinion and letter. Staff only (the departments and centres concerned)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.applications.types import ApplicationState
from chalicelib.api.catalogue.types import Centre, Department
from chalicelib.api.permissions import STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import counterpart as dcp

OversightOutcome = strawberry.enum(dcp.InspectionOutcome, name="OversightOutcome")
DemandStatus = strawberry.enum(dcp.DemandStatus, name="RectificationDemandStatus")


def _centre(info: Info, centre_id: str) -> Centre | None:
    found = info.context.centres.get(centre_id)
    return Centre.from_domain(found) if found else None


def _department(info: Info, department_id: str) -> Department | None:
    found = info.context.departments.get(department_id)
    return Department.from_domain(found) if found else None


@visible_to(STAFF)
@strawberry.type(description="An open case of a delegated power at a receiving centre (the counterpart's view).")
class CounterpartCase:
    application_id: strawberry.ID
    tracking_code: str
    item_code: str
    item_name: str
    state: ApplicationState  # type: ignore[valid-type]
    due_on: date = strawberry.field(description="Its current deadline (intake, or the promised limit).")
    red_flag: bool
    centre_id: strawberry.Private[str]

    @field(access=STAFF, description="The receiving centre handling it.")
    def centre(self, info: Info) -> Centre | None:
        return _centre(info, self.centre_id)

    @classmethod
    def from_domain(cls, e: dcp.CounterpartEntry) -> CounterpartCase:
        return cls(
            application_id=global_id("Application", e.application_id),
            tracking_code=e.tracking_code,
            item_code=e.item_code,
            item_name=e.item_name,
            state=e.state,
            due_on=e.due_on,
            red_flag=e.red_flag,
            centre_id=e.centre_id,
        )


@visible_to(STAFF)
@strawberry.type(description="整改意见 or 整改意见书: what to fix, by when, and the centre's answer.")
class RectificationDemand:
    requirements: str
    due_on: date
    issued_by: str
    issued_at: DateTime
    status: DemandStatus  # type: ignore[valid-type]
    answer: str
    answered_by: str | None
    answered_at: DateTime | None
    overdue_at: DateTime | None

    @classmethod
    def from_domain(cls, d: dcp.Demand | None) -> RectificationDemand | None:
        if d is None:
            return None
        return cls(
            requirements=d.requirements,
            due_on=d.due_on,
            issued_by=d.issued_by,
            issued_at=d.issued_at,
            status=d.status,
            answer=d.answer,
            answered_by=d.answered_by,
            answered_at=d.answered_at,
            overdue_at=d.overdue_at,
        )


@visible_to(STAFF)
@strawberry.type(description="A supervision inspection of a receiving centre's exercise of a delegated power.")
class OversightInspection(relay.Node):
    inspection_id: relay.NodeID[str]
    item_id: strawberry.ID
    item_code: str
    item_name: str
    inspected_on: date
    outcome: OversightOutcome  # type: ignore[valid-type]
    findings: str
    inspector_id: str
    recorded_at: DateTime
    opinion: RectificationDemand | None
    letter: RectificationDemand | None
    department_id: strawberry.Private[str]
    centre_id: strawberry.Private[str]
    receiving_department_id: strawberry.Private[str]

    @field(access=STAFF, description="The delegating city department.")
    def department(self, info: Info) -> Department | None:
        return _department(info, self.department_id)

    @field(access=STAFF, description="The receiving centre inspected.")
    def centre(self, info: Info) -> Centre | None:
        return _centre(info, self.centre_id)

    @field(access=STAFF, description="The receiving centre's department that exercises the power.")
    def receiving_department(self, info: Info) -> Department | None:
        return _department(info, self.receiving_department_id)

    @classmethod
    def from_domain(cls, i: dcp.OversightInspection) -> OversightInspection:
        return cls(
            inspection_id=i.id,
            item_id=global_id("ServiceItem", i.item_code),
            item_code=i.item_code,
            item_name=i.item_name,
            inspected_on=i.inspected_on,
            outcome=i.outcome,
            findings=i.findings,
            inspector_id=i.inspector_id,
            recorded_at=i.recorded_at,
            opinion=RectificationDemand.from_domain(i.opinion),
            letter=RectificationDemand.from_domain(i.letter),
            department_id=i.department_id,
            centre_id=i.centre_id,
            receiving_department_id=i.receiving_department_id,
        )
