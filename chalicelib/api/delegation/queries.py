"""Delegation queries: the published guidance catalogues, tiers and memos; requests for admins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.delegation.types import (
    AdjustmentMemo,
    AdjustmentRequest,
    AdjustmentRequestStatus,
    GuidanceCatalogue,
    TierAssignment,
)
from chalicelib.api.errors import NOT_FOUND, ApiError
from chalicelib.api.permissions import ADMIN, PUBLIC, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.domain import delegation as dd


@strawberry.type
class DelegationQuery:
    @field(access=PUBLIC, description="一类/二类指导目录 as last set (seed 003 二(一)2).")
    def guidance_catalogues(self, info: Info) -> list[GuidanceCatalogue]:
        found = info.context.delegation.catalogues()
        return [GuidanceCatalogue.from_domain(found[t]) for t in dd.GuidanceTier if t in found]

    @field(access=PUBLIC, description="The guidance tier a receiving centre follows (null: none assigned).")
    def centre_tier(self, info: Info, centre_id: strawberry.ID) -> TierAssignment | None:
        found = info.context.delegation.tier_of(decode_id(centre_id, "Centre", "centreId"))
        return TierAssignment.from_domain(found) if found else None

    @field(access=PUBLIC, description="Published adjustment memos, newest first (all, or one centre's).")
    def adjustment_memos(
        self, info: Info, centre_id: strawberry.ID | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[AdjustmentMemo]:
        centre = decode_id(centre_id, "Centre", "centreId") if centre_id else None
        page = info.context.delegation.memos(centre, page_size(first), after)
        info.context.centres.want(m.centre_id for m, _ in page.items)
        info.context.departments.want(
            d
            for m, _ in page.items
            for c in m.changes
            for d in (
                *(c.co_reviewer_department_ids),
                *((c.receiving_department_id,) if c.receiving_department_id else ()),
            )
        )
        return to_connection(page, AdjustmentMemo.from_domain)

    @field(access=PUBLIC, description="One published adjustment memo.")
    def adjustment_memo(self, info: Info, id: strawberry.ID) -> AdjustmentMemo:
        found = info.context.delegation.memo(decode_id(id, "AdjustmentMemo"))
        if found is None:
            raise ApiError(NOT_FOUND, "备忘录不存在", field="id")
        return AdjustmentMemo.from_domain(found)

    @field(
        access=ADMIN,
        description="Adjustment requests: one centre's (its administrators or the city's), or, for the city's "
        "administrators (the reform office), the worklist of one status (default SUBMITTED), newest first.",
    )
    def adjustment_requests(
        self,
        info: Info,
        centre_id: strawberry.ID | None = None,
        status: AdjustmentRequestStatus | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AdjustmentRequest]:
        centre = decode_id(centre_id, "Centre", "centreId") if centre_id else None
        wanted = dd.RequestStatus(status) if status else None
        page = info.context.delegation.requests(info.context.principal, centre, wanted, page_size(first), after)
        info.context.centres.want(r.centre_id for r, _ in page.items)
        return to_connection(page, AdjustmentRequest.from_domain)

    @field(access=ADMIN, description="One adjustment request (its centre's administrators or the city's).")
    def adjustment_request(self, info: Info, id: strawberry.ID) -> AdjustmentRequest:
        return AdjustmentRequest.from_domain(
            info.context.delegation.request(info.context.principal, decode_id(id, "AdjustmentRequest"))
        )
