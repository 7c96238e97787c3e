"""certificateRevoke: withdraw a certificate's validity, with a reason."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.mutations.base import CertificatePayload, run
from chalicelib.api.relay import decode_id


@strawberry.input
class CertificateRevokeInput:
    id: strawberry.ID
    reason: str


@strawberry.type
class CertificateRevokePayload(CertificatePayload):
    pass


def certificate_revoke(info: Info, input: CertificateRevokeInput) -> CertificateRevokePayload:
    ctx = info.context
    return run(  # type: ignore[return-value]
        CertificateRevokePayload,
        lambda: ctx.certificates.revoke(ctx.principal, decode_id(input.id, "Certificate"), input.reason),
    )
