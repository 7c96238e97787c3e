"""certificateTypeHandOver: 交接 — the owning department hands its template to the bureau
(seed 002 四(六)); from then on only the bureau issues the type."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificate_types.mutations.base import CertificateTypePayload, run
from chalicelib.api.certificate_types.types import NODE
from chalicelib.api.relay import decode_id
from chalicelib.domain import certificate_type as dt


@strawberry.input
class CertificateTypeHandOverInput:
    id: strawberry.ID
    expected_version: int = strawberry.field(description="The version the department checked and hands over.")


@strawberry.type
class CertificateTypeHandOverPayload(CertificateTypePayload):
    pass


def certificate_type_hand_over(info: Info, input: CertificateTypeHandOverInput) -> CertificateTypeHandOverPayload:
    ctx = info.context

    def action() -> dt.CertificateType:
        code = decode_id(input.id, NODE)
        return ctx.certificate_types.hand_over(ctx.principal, code, input.expected_version)

    return run(CertificateTypeHandOverPayload, action)  # type: ignore[return-value]
