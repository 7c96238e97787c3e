"""GraphQL types of inspections: what the supervising department found at a certificate holder."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.permissions import STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import certificate as dcert
from chalicelib.domain import inspection as din

InspectionOutcome = strawberry.enum(din.InspectionOutcome, name="InspectionOutcome")


@visible_to(STAFF)
@strawberry.type(description="事中事后监管: one inspection of a certificate holder by the supervising department.")
class Inspection:
    id: strawberry.ID
    certificate_id: strawberry.ID
    certificate_number: str
    item_code: str
    item_name: str
    holder_name: str = strawberry.field(description="Masked, as in pushed results.")
    inspected_on: date
    outcome: InspectionOutcome  # type: ignore[valid-type]
    findings: str
    inspector_id: str
    recorded_at: DateTime
    credit_recorded: bool = strawberry.field(
        description="A serious violation recorded a credit record of the holder (一处违法、处处受限)."
    )
    supervising_department_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, i: din.Inspection) -> Inspection:
        return cls(
            id=global_id("Inspection", i.id),
            certificate_id=global_id("Certificate", i.certificate_id),
            certificate_number=i.certificate_number,
            item_code=i.item_code,
            item_name=i.item_name,
            holder_name=dcert.mask_name(i.holder_name),
            inspected_on=i.inspected_on,
            outcome=i.outcome,
            findings=i.findings,
            inspector_id=i.inspector_id,
            recorded_at=i.recorded_at,
            credit_recorded=i.limits_holder,
            supervising_department_id=i.supervising_department_id,
        )

    @field(access=STAFF, description="The department that inspected (the item's supervising department).")
    def supervising_department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.supervising_department_id)
        return Department.from_domain(found) if found else None
