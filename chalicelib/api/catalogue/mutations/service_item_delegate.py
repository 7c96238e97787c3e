"""serviceItemDelegate: let a subordinate centre exercise a power itself (seed 000/003 下放, 同权审批)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.errors import catch
from chalicelib.api.catalogue.inputs import CoReviewerInput
from chalicelib.api.catalogue.mutations.base import ServiceItemPayload, payload
from chalicelib.api.relay import decode_id
from chalicelib.domain import catalogue as dc
from chalicelib.services.catalogue import CatalogueChange


@strawberry.input
class ServiceItemDelegateInput:
    id: strawberry.ID
    centre_id: strawberry.ID
    expected_version: int
    reason: str
    lead_department_id: strawberry.ID | None = strawberry.field(
        default=None, description="承办部门: the receiving centre's department that reviews and decides (required)."
    )
    co_reviewers: list[CoReviewerInput] = strawberry.field(
        default_factory=list,
        description="Joint items: the receiving centre's co-reviewers, or the item's own city co-reviewers to keep.",
    )
    idempotency_key: str | None = None


@strawberry.type
class ServiceItemDelegatePayload(ServiceItemPayload):
    pass


def service_item_delegate(info: Info, input: ServiceItemDelegateInput) -> ServiceItemDelegatePayload:
    ctx = info.context

    def run() -> dc.ServiceItem:
        co_reviewers = tuple(
            dc.CoReviewer(decode_id(c.department_id, "Department", f"coReviewers[{i}].departmentId"), c.limit_days)
            for i, c in enumerate(input.co_reviewers)
        )
        lead = decode_id(input.lead_department_id, "Department", "leadDepartmentId") if input.lead_department_id else ""
        return ctx.catalogue.delegate_item(
            ctx.principal,
            decode_id(input.id, "ServiceItem"),
            decode_id(input.centre_id, "Centre", "centreId"),
            CatalogueChange(input.reason, input.expected_version, input.idempotency_key),
            lead_department_id=lead,
            co_reviewers=co_reviewers,
        )

    item, errors = catch(run)
    return payload(ServiceItemDelegatePayload, item, errors)  # type: ignore[return-value]
