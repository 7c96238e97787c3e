"""centreTierAssign: the city assigns a receiving centre its guidance tier (seed 003 二(一)2)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.delegation.errors import DelegationError, catch
from chalicelib.api.delegation.types import GuidanceTier, TierAssignment
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import delegation as dd


@strawberry.input
class CentreTierAssignInput:
    centre_id: strawberry.ID
    tier: GuidanceTier  # type: ignore[valid-type]
    reason: str


@visible_to(AUTHENTICATED)
@strawberry.type
class CentreTierAssignPayload:
    tier_assignment: TierAssignment | None
    user_errors: list[DelegationError]


def centre_tier_assign(info: Info, input: CentreTierAssignInput) -> CentreTierAssignPayload:
    ctx = info.context

    def action() -> dd.TierAssignment:
        centre = decode_id(input.centre_id, "Centre", "centreId")
        return ctx.delegation.assign_tier(ctx.principal, centre, dd.GuidanceTier(input.tier), input.reason)

    found, errors = catch(action)
    return CentreTierAssignPayload(
        tier_assignment=TierAssignment.from_domain(found) if found else None, user_errors=errors
    )
