"""`Certificate.lookups`: who looked the holder's licence up online, and why (用证事由, issue 13).

The holder sees every verification of their certificate with the reason the caller stated and
the caller masked (enough to tell repeated callers apart, not to identify a person).
"""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.domain import certificate as dcert

# The channels a verification is logged with (`dcert.VerificationChannel`): one closed set, shared by
# the staff's `Certificate.verifications` and the holder's `Certificate.lookups`.
VerificationChannel = strawberry.enum(
    dcert.VerificationChannel, name="VerificationChannel", description="Where a verification was asked."
)


@visible_to(AUTHENTICATED)
@strawberry.type(description="One online lookup of a certificate, as its holder sees it.")
class CertificateLookup:
    at: DateTime
    channel: VerificationChannel = strawberry.field(  # type: ignore[valid-type]
        description="Where the lookup was asked (GraphQL, POST /verify, the public page, a presigned upload)."
    )
    reason_for_use: str = strawberry.field(description="用证事由 the caller stated (empty: staff or the holder).")
    caller: str = strawberry.field(description="The caller, masked (IP address or account).")
