"""applicationReferralStart: refer a step to a higher authority and name its tracker (上报件)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.referrals.mutations.base import ReferralPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationReferralStartInput:
    id: strawberry.ID
    authority: str = strawberry.field(description="The higher authority it goes to.")
    reference_number: str = strawberry.field(description="上报文号.")
    tracker_id: str | None = strawberry.field(
        default=None, description="Staff id of the window unit's tracker (default: the caller)."
    )
    expected_days: int | None = strawberry.field(
        default=None, description="Working days expected (default: the item's published referral limit)."
    )
    note: str = ""
    idempotency_key: str | None = None


@strawberry.type
class ApplicationReferralStartPayload(ReferralPayload):
    pass


def application_referral_start(info: Info, input: ApplicationReferralStartInput) -> ApplicationReferralStartPayload:
    ctx = info.context

    def action() -> Application:
        return ctx.referrals.refer(
            ctx.principal,
            decode_id(input.id, "Application"),
            input.authority,
            input.reference_number,
            input.tracker_id,
            input.expected_days,
            input.note,
            input.idempotency_key,
        )

    return run(info, ApplicationReferralStartPayload, action)  # type: ignore[return-value]
