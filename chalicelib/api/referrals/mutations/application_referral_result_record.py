"""applicationReferralResultRecord: the higher authority's result, with its document."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.referrals.mutations.base import ReferralPayload, run
from chalicelib.api.referrals.types import ReferralOutcome
from chalicelib.api.relay import decode_id
from chalicelib.domain import referral as dr
from chalicelib.domain.application import Application
from chalicelib.services.applications import MaterialRef


@strawberry.input(description="The uploaded result document (materialUploadCreate, then PUT).")
class ReferralDocumentInput:
    file_name: str
    blob_key: str
    sha256: str
    size: int


@strawberry.input
class ApplicationReferralResultRecordInput:
    id: strawberry.ID
    outcome: ReferralOutcome  # type: ignore[valid-type]
    result_reference: str = strawberry.field(description="批复文号.")
    document: ReferralDocumentInput
    idempotency_key: str | None = None


@strawberry.type
class ApplicationReferralResultRecordPayload(ReferralPayload):
    pass


def application_referral_result_record(
    info: Info, input: ApplicationReferralResultRecordInput
) -> ApplicationReferralResultRecordPayload:
    ctx = info.context

    def action() -> Application:
        d = input.document
        ref = MaterialRef("RESULT", d.file_name, d.blob_key, d.sha256, d.size)
        return ctx.referrals.record_result(
            ctx.principal,
            decode_id(input.id, "Application"),
            dr.ReferralOutcome(input.outcome),
            input.result_reference,
            ref,
            input.idempotency_key,
        )

    return run(info, ApplicationReferralResultRecordPayload, action)  # type: ignore[return-value]
