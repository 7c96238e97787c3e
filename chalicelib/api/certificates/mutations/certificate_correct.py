"""certificateCorrect: re-issue with a new number; the old certificate is superseded."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.mutations.base import CertificatePayload, run
from chalicelib.api.relay import decode_id


@strawberry.input
class CertificateCorrectInput:
    id: strawberry.ID
    reason: str


@strawberry.type
class CertificateCorrectPayload(CertificatePayload):
    pass


def certificate_correct(info: Info, input: CertificateCorrectInput) -> CertificateCorrectPayload:
    ctx = info.context
    return run(  # type: ignore[return-value]
        CertificateCorrectPayload,
        lambda: ctx.certificates.correct(ctx.principal, decode_id(input.id, "Certificate"), input.reason),
    )
