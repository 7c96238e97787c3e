"""certificateDeliver: hand over at the window or send by mail with a tracking number (seed 002)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.mutations.base import CertificatePayload, run
from chalicelib.api.certificates.types import DeliveryMethod
from chalicelib.api.relay import decode_id
from chalicelib.domain import certificate as dcert


@strawberry.input
class CertificateDeliverInput:
    id: strawberry.ID
    method: DeliveryMethod  # type: ignore[valid-type]
    tracking_number: str = ""


@strawberry.type
class CertificateDeliverPayload(CertificatePayload):
    pass


def certificate_deliver(info: Info, input: CertificateDeliverInput) -> CertificateDeliverPayload:
    ctx = info.context
    return run(  # type: ignore[return-value]
        CertificateDeliverPayload,
        lambda: ctx.certificates.deliver(
            ctx.principal, decode_id(input.id, "Certificate"), dcert.DeliveryMethod(input.method), input.tracking_number
        ),
    )
