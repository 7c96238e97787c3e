"""Credit queries: the 失信名单 (serious credit records in force) of the caller's centre."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.credit.types import CreditRecord
from chalicelib.api.permissions import STAFF, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection


@strawberry.type
class CreditQuery:
    @field(
        access=STAFF,
        description="失信名单 (seed 002 四(八)): serious credit records in force that arose at a centre, "
        "soonest expiry first. Staff see their own centre; supervisors and administrators any centre.",
    )
    def credit_blacklist(
        self, info: Info, centre_id: strawberry.ID | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[CreditRecord]:
        centre = decode_id(centre_id, "Centre", "centreId") if centre_id else None
        page = info.context.credit.blacklist(info.context.principal, centre, page_size(first), after)
        return to_connection(page, CreditRecord.from_domain)
