"""GraphQL types of complaints: the filer sees their own, supervisors all of them.

Staff identities in the history are shown to staff only; the filer sees "工作人员".
"""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.permissions import AUTHENTICATED, STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import complaint as dc
from chalicelib.domain.application import STAFF_LABEL

ComplaintStatus = strawberry.enum(dc.ComplaintStatus, name="ComplaintStatus")
ComplaintOutcome = strawberry.enum(dc.ComplaintOutcome, name="ComplaintOutcome")
ComplaintTargetKind = strawberry.enum(dc.TargetKind, name="ComplaintTargetKind")


@strawberry.enum(description="What a step of a complaint did.")
class ComplaintStepAction(Enum):
    FILE = "FILE"
    REPLY = "REPLY"  # the window post's holder answers a complaint about the post
    RESOLVE = "RESOLVE"


def window_post_id(centre_id: str, post_id: str) -> strawberry.ID:
    """The global ID a window's complaint QR code carries (type `WindowPost`)."""
    return global_id("WindowPost", f"{centre_id}/{post_id}")


@visible_to(AUTHENTICATED)
@strawberry.type(description="One step of a complaint: who, when, what.")
class ComplaintStep:
    action: ComplaintStepAction  # type: ignore[valid-type]
    outcome: ComplaintOutcome | None = strawberry.field(description="For RESOLVE: how it was settled.")  # type: ignore[valid-type]
    at: DateTime
    note: str
    actor: strawberry.Private[str]
    role: strawberry.Private[str]

    @classmethod
    def from_domain(cls, h: dc.HistoryEntry) -> ComplaintStep:
        verb, _, outcome = h.action.partition(":")
        return cls(
            action=ComplaintStepAction(verb.upper()),
            outcome=dc.ComplaintOutcome(outcome) if outcome else None,
            at=h.at,
            note=h.note,
            actor=h.by,
            role=h.role,
        )

    @field(access=AUTHENTICATED, description="Who acted: staff ids are shown to staff only.")
    def by(self, info: Info) -> str:
        principal = info.context.principal
        return self.actor if principal.is_staff or self.actor == principal.subject else STAFF_LABEL


@visible_to(AUTHENTICATED)
@strawberry.type(description="投诉 about a case or a window post.")
class Complaint:
    id: strawberry.ID
    status: ComplaintStatus  # type: ignore[valid-type]
    outcome: ComplaintOutcome | None  # type: ignore[valid-type]
    target_kind: ComplaintTargetKind  # type: ignore[valid-type]
    application_id: strawberry.ID | None
    window_post_id: strawberry.ID | None
    target_label: str
    text: str
    filed_at: DateTime
    history: list[ComplaintStep]
    department_id: strawberry.Private[str]
    filer: strawberry.Private[str]

    @field(access=AUTHENTICATED, description="The department concerned (counted in its statistics).")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @field(access=STAFF, description="Account of the filer (staff only).")
    def filed_by(self) -> str:
        return self.filer

    @classmethod
    def from_domain(cls, c: dc.Complaint) -> Complaint:
        target = c.target
        on_case = target.kind is dc.TargetKind.APPLICATION
        return cls(
            id=global_id("Complaint", c.id),
            status=c.status,
            outcome=c.outcome,
            target_kind=target.kind,
            application_id=global_id("Application", target.ref) if on_case else None,
            window_post_id=None if on_case else global_id("WindowPost", target.ref),
            target_label=target.label,
            text=c.text,
            filed_at=c.filed_at,
            history=[ComplaintStep.from_domain(h) for h in c.history],
            department_id=target.department_id,
            filer=c.filed_by,
        )
