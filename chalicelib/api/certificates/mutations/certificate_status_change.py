"""certificateStatusChange: one transition of the seven-status licence model, with a reason and
an effective date (today or later; a later date is pending until the sweep applies it).

Who may make which change is the domain's transition table (`dcert.TRANSITIONS`): suspend,
reinstate and transfer out by the issuing bureau; withdraw and revoke by the bureau or a
supervisor; cancel by the bureau or on the holder's own request; expiry only by the sweep.
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.mutations.base import CertificatePayload, run
from chalicelib.api.certificates.types import CertificateStatus
from chalicelib.api.relay import decode_id
from chalicelib.domain import certificate as dcert


@strawberry.input
class CertificateStatusChangeInput:
    id: strawberry.ID
    target: CertificateStatus  # type: ignore[valid-type]
    reason: str = strawberry.field(description="Why (at most 500 characters); recorded and shown publicly.")
    effective_on: date | None = strawberry.field(
        default=None, description="China date the change takes effect (today or later; default today)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key returns the record without changing it again."
    )


@strawberry.type
class CertificateStatusChangePayload(CertificatePayload):
    pass


def certificate_status_change(info: Info, input: CertificateStatusChangeInput) -> CertificateStatusChangePayload:
    ctx = info.context
    return run(  # type: ignore[return-value]
        CertificateStatusChangePayload,
        lambda: ctx.certificates.change_status(
            ctx.principal,
            decode_id(input.id, "Certificate"),
            dcert.CertificateStatus(input.target),
            input.reason,
            input.effective_on,
            input.idempotency_key,
        ),
    )
