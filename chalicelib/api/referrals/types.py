"""GraphQL types of referrals upward: on the case (everyone who sees the case; the tracker's
identity for staff only) and in the tracker's worklist."""

from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.domain import referral as dr

ReferralStatus = strawberry.enum(dr.ReferralStatus, name="ReferralStatus")
ReferralOutcome = strawberry.enum(
    dr.ReferralOutcome, name="ReferralOutcome", description="The higher authority's verdict."
)


@visible_to(AUTHENTICATED)
@strawberry.type(description="The higher authority's written result (an uploaded file).")
class ReferralDocument:
    file_name: str
    sha256: str
    size: int


@visible_to(AUTHENTICATED)
@strawberry.type(description="上报件: a step referred to a higher authority outside the system (seed 004 三级联动).")
class Referral:
    seq: int
    authority: str = strawberry.field(description="To whom it was referred.")
    reference_number: str = strawberry.field(description="上报文号.")
    referred_on: date
    expected_days: int
    expected_by: date
    counts_toward_limit: bool = strawberry.field(description="False: the case's clock is paused meanwhile.")
    status: ReferralStatus  # type: ignore[valid-type]
    outcome: ReferralOutcome | None  # type: ignore[valid-type]
    result_reference: str
    result_on: date | None
    document: ReferralDocument | None
    tracker: strawberry.Private[str]

    @field(access=STAFF, description="The window unit's staff member answering for it (staff only).")
    def tracker_id(self) -> str:
        return self.tracker

    @classmethod
    def from_domain(cls, r: dr.Referral) -> Referral:
        d = r.document
        return cls(
            seq=r.seq,
            authority=r.authority,
            reference_number=r.reference_number,
            referred_on=r.referred_on,
            expected_days=r.expected_days,
            expected_by=r.expected_by,
            counts_toward_limit=r.counts_toward_limit,
            status=r.status,
            outcome=r.outcome,
            result_reference=r.result_reference,
            result_on=r.result_on,
            document=ReferralDocument(file_name=d.file_name, sha256=d.sha256, size=d.size) if d else None,
            tracker=r.tracker_id,
        )


@visible_to(STAFF)
@strawberry.type(description="A pending referral in its tracker's worklist.")
class ReferralWorkItem:
    application_id: strawberry.ID
    tracking_code: str
    item_name: str
    seq: int
    authority: str
    reference_number: str
    referred_on: date
    expected_by: date

    @classmethod
    def from_domain(cls, e: dr.ReferralEntry) -> ReferralWorkItem:
        return cls(
            application_id=global_id("Application", e.application_id),
            tracking_code=e.tracking_code,
            item_name=e.item_name,
            seq=e.seq,
            authority=e.authority,
            reference_number=e.reference_number,
            referred_on=e.referred_on,
            expected_by=e.expected_by,
        )
