"""`Certificate.lookups`: who looked the holder's licence up online, and why (用证事由, issue 13).

The holder sees every verification of their certificate with the reason the caller stated and
the caller masked (enough to tell repeated callers apart, not to identify a person).
"""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.scalars import DateTime


@visible_to(AUTHENTICATED)
@strawberry.type(description="One online lookup of a certificate, as its holder sees it.")
class CertificateLookup:
    at: DateTime
    channel: str = strawberry.field(description="graphql-lookup, rest-upload, public-page, ...")
    reason_for_use: str = strawberry.field(description="用证事由 the caller stated (empty: staff or the holder).")
    caller: str = strawberry.field(description="The caller, masked (IP address or account).")
