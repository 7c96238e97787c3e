"""GraphQL types of handovers: staff of the delegating department and of the receiving centre."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre, Department
from chalicelib.api.permissions import STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import handover as dh

HandoverPartKind = strawberry.enum(dh.HandoverPartKind, name="HandoverPartKind")


@visible_to(STAFF)
@strawberry.type(description="One part of a handover: due date, delivery and the receiving centre's confirmation.")
class HandoverPart:
    kind: HandoverPartKind  # type: ignore[valid-type]
    label: str
    due_on: date
    delivered_by: str | None
    delivered_at: DateTime | None
    delivery_note: str
    confirmed_by: str | None
    confirmed_at: DateTime | None
    confirmation_note: str
    overdue_warned: bool


@visible_to(STAFF)
@strawberry.type(description="配套服务移交 of one delegated power (forms, accounts, intermediary list).")
class Handover(relay.Node):
    handover_id: relay.NodeID[str]
    memo_id: strawberry.ID | None = strawberry.field(
        description="The adjustment memo that delegated the power; null when it was delegated directly."
    )
    delegation_version_id: strawberry.ID | None = strawberry.field(
        description="The `ServiceItemVersion` of a direct delegation (`serviceItemDelegate`); null after a memo."
    )
    item_id: strawberry.ID
    item_code: str
    item_name: str
    parts: list[HandoverPart]
    created_at: DateTime
    centre_id: strawberry.Private[str]
    department_id: strawberry.Private[str]

    @field(access=STAFF, description="The receiving centre.")
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.centre_id)
        return Centre.from_domain(found) if found else None

    @field(access=STAFF, description="The delegating city department.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, h: dh.Handover) -> Handover:
        return cls(
            handover_id=h.id,
            memo_id=global_id("AdjustmentMemo", h.memo_id) if h.memo_id is not None else None,
            delegation_version_id=(
                global_id("ServiceItemVersion", f"{h.item_code}:{h.item_version}")
                if h.item_version is not None
                else None
            ),
            item_id=global_id("ServiceItem", h.item_code),
            item_code=h.item_code,
            item_name=h.item_name,
            parts=[
                HandoverPart(
                    kind=p.kind,
                    label=dh.PART_LABEL[p.kind],
                    due_on=p.due_on,
                    delivered_by=p.delivered_by,
                    delivered_at=p.delivered_at,
                    delivery_note=p.delivery_note,
                    confirmed_by=p.confirmed_by,
                    confirmed_at=p.confirmed_at,
                    confirmation_note=p.confirmation_note,
                    overdue_warned=p.warned,
                )
                for p in h.parts
            ],
            created_at=h.created_at,
            centre_id=h.centre_id,
            department_id=h.department_id,
        )
