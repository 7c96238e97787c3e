"""Referral queries: the tracker's worklist."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import STAFF, field
from chalicelib.api.referrals.types import ReferralWorkItem
from chalicelib.api.relay import Connection, page_size, to_connection


@strawberry.type
class ReferralQuery:
    @field(access=STAFF, description="上报件跟踪: the caller's pending referrals, soonest expected back first.")
    def referrals(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ReferralWorkItem]:
        page = info.context.referrals.worklist(info.context.principal, page_size(first), after)
        return to_connection(page, ReferralWorkItem.from_domain)
