"""GraphQL types of the delegation lifecycle.

Guidance catalogues, tier assignments and adjustment memos are published (seed 003: 在新闻媒体
公布): public. Adjustment requests are internal: administrators of the centre and of the city.
"""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre, Department
from chalicelib.api.permissions import ADMIN, PUBLIC, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import delegation as dd

GuidanceTier = strawberry.enum(dd.GuidanceTier, name="GuidanceTier", description="一类 or 二类指导目录.")
AdjustmentKind = strawberry.enum(
    dd.AdjustmentKind, name="AdjustmentKind", description="承接 (take on) or 交回 (return)."
)
AdjustmentRequestStatus = strawberry.enum(dd.RequestStatus, name="AdjustmentRequestStatus")


@visible_to(PUBLIC)
@strawberry.type(description="指导目录: the city powers one tier of receiving centres may take on.")
class GuidanceCatalogue:
    tier: GuidanceTier  # type: ignore[valid-type]
    tier_label: str
    item_ids: list[strawberry.ID]
    item_codes: list[str]
    set_at: DateTime
    reason: str

    @classmethod
    def from_domain(cls, c: dd.GuidanceCatalogue) -> GuidanceCatalogue:
        return cls(
            tier=c.tier,
            tier_label=dd.TIER_LABEL[c.tier],
            item_ids=[global_id("ServiceItem", code) for code in c.item_codes],
            item_codes=list(c.item_codes),
            set_at=c.set_at,
            reason=c.reason,
        )


@visible_to(PUBLIC)
@strawberry.type(description="Which guidance catalogue a receiving centre follows.")
class TierAssignment:
    tier: GuidanceTier  # type: ignore[valid-type]
    tier_label: str
    assigned_at: DateTime
    reason: str
    centre_id: strawberry.Private[str]

    @field(access=PUBLIC)
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.centre_id)
        return Centre.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, a: dd.TierAssignment) -> TierAssignment:
        return cls(
            tier=a.tier,
            tier_label=dd.TIER_LABEL[a.tier],
            assigned_at=a.assigned_at,
            reason=a.reason,
            centre_id=a.centre_id,
        )


@visible_to(PUBLIC)
@strawberry.type(description="One line of an adjustment list: a power taken on or returned, and why.")
class AdjustmentChange:
    kind: AdjustmentKind  # type: ignore[valid-type]
    item_id: strawberry.ID
    item_code: str
    item_name: str
    reason: str
    receiving_department_id: strawberry.Private[str | None]
    co_reviewer_ids: strawberry.Private[tuple[str, ...]]

    @field(access=PUBLIC, description="The receiving centre's department that exercises the power (take on).")
    def receiving_department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.receiving_department_id) if self.receiving_department_id else None
        return Department.from_domain(found) if found else None

    @field(access=PUBLIC, description="Co-reviewing departments named for a joint power.")
    def co_reviewer_departments(self, info: Info) -> list[Department]:
        info.context.departments.want(self.co_reviewer_ids)
        found = [info.context.departments.get(d) for d in self.co_reviewer_ids]
        return [Department.from_domain(d) for d in found if d]

    @classmethod
    def from_domain(cls, c: dd.AdjustmentChange) -> AdjustmentChange:
        return cls(
            kind=c.kind,
            item_id=global_id("ServiceItem", c.item_code),
            item_code=c.item_code,
            item_name=c.item_name,
            reason=c.reason,
            receiving_department_id=c.receiving_department_id,
            co_reviewer_ids=c.co_reviewer_department_ids,
        )


@visible_to(PUBLIC)
@strawberry.type(description="职权调整备忘录: the published list of approved changes; applied once.")
class AdjustmentMemo(relay.Node):
    memo_id: relay.NodeID[str]
    changes: list[AdjustmentChange]
    approval_reference: str = strawberry.field(description="The city government's approval reference (审定文号).")
    published_at: DateTime
    applied_at: DateTime | None = strawberry.field(description="When the delegations changed (null: not yet).")
    centre_id: strawberry.Private[str]

    @field(access=PUBLIC, description="The receiving centre.")
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.centre_id)
        return Centre.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, m: dd.AdjustmentMemo) -> AdjustmentMemo:
        return cls(
            memo_id=m.id,
            changes=[AdjustmentChange.from_domain(c) for c in m.changes],
            approval_reference=m.approval_reference,
            published_at=m.published_at,
            applied_at=m.applied_at,
            centre_id=m.centre_id,
        )


@visible_to(ADMIN)
@strawberry.type(description="A decision on an adjustment request: the reform office's or the government's.")
class AdjustmentStep:
    by: str
    at: DateTime
    note: str
    passed: bool


@visible_to(ADMIN)
@strawberry.type(description="A receiving centre's application to adjust its delegated powers (大稳定、小调整).")
class AdjustmentRequest(relay.Node):
    request_id: relay.NodeID[str]
    status: AdjustmentRequestStatus  # type: ignore[valid-type]
    changes: list[AdjustmentChange]
    reason: str
    submitted_by: str
    submitted_at: DateTime
    review: AdjustmentStep | None
    approval: AdjustmentStep | None
    approval_reference: str
    centre_id: strawberry.Private[str]
    memo_key: strawberry.Private[str | None]

    @field(access=ADMIN)
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.centre_id)
        return Centre.from_domain(found) if found else None

    @field(access=ADMIN, description="The memo the approval published.")
    def memo(self, info: Info) -> AdjustmentMemo | None:
        found = info.context.delegation.memo(self.memo_key) if self.memo_key else None
        return AdjustmentMemo.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, r: dd.AdjustmentRequest) -> AdjustmentRequest:
        def step(s: dd.Step | None) -> AdjustmentStep | None:
            return AdjustmentStep(by=s.by, at=s.at, note=s.note, passed=s.passed) if s else None

        return cls(
            request_id=r.id,
            status=r.status,
            changes=[AdjustmentChange.from_domain(c) for c in r.changes],
            reason=r.reason,
            submitted_by=r.submitted_by,
            submitted_at=r.submitted_at,
            review=step(r.review),
            approval=step(r.approval),
            approval_reference=r.approval_reference,
            centre_id=r.centre_id,
            memo_key=r.memo_id,
        )
