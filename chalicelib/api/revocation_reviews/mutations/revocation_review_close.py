"""revocationReviewClose: the bureau of the competent centre ends a 容缺后补 revocation review keeping
the certificate, with a reason (seed 002 四(八)); revoking stays `certificateRevoke`."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class RevocationReviewCloseInput:
    id: strawberry.ID = strawberry.field(description="The case (Application) whose certificate is under review.")
    reason: str = strawberry.field(description="Why the certificate is kept (required, at most 1000 characters).")
    idempotency_key: str | None = None


@strawberry.type
class RevocationReviewClosePayload(ApplicationPayload):
    pass


def revocation_review_close(info: Info, input: RevocationReviewCloseInput) -> RevocationReviewClosePayload:
    ctx = info.context

    def action() -> Application:
        return ctx.revocation_reviews.keep(
            ctx.principal, decode_id(input.id, "Application"), input.reason, input.idempotency_key
        )

    return run(info, RevocationReviewClosePayload, action)  # type: ignore[return-value]
