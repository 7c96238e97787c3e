"""GraphQL type of approval on pledge (告知承诺制): the notice, the pledge and its verification.

Reached only through an `Application` the caller may see; staff identities are shown to staff only.
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import AUTHENTICATED, STAFF, field, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.domain import application as da
from chalicelib.domain import approval_on_pledge as dp

PledgeApprovalStatus = strawberry.enum(dp.PledgeApprovalStatus, name="PledgeApprovalStatus")


@visible_to(AUTHENTICATED)
@strawberry.type(description="告知承诺制 (seed 002 三(二), 004 二(四)): notice, pledge, verification after approval.")
class PledgeApproval:
    status: PledgeApprovalStatus  # type: ignore[valid-type]
    notice: list[str] = strawberry.field(description="The written notice: conditions, verification, liability.")
    notified_at: DateTime
    pledged_at: DateTime | None
    approved_on: date | None
    verification_due_on: date | None = strawberry.field(description="核查期限 (working days after approval).")
    verification_overdue: bool
    verified_at: DateTime | None
    findings: str
    bar_days: int
    approval: strawberry.Private[dp.PledgeApproval]

    @field(access=STAFF, description="Who verified the pledge (staff only).")
    def verified_by(self) -> str | None:
        return self.approval.verified_by

    @classmethod
    def of_case(cls, case: da.Application, info: Info) -> PledgeApproval | None:
        a = case.pledge_approval
        if a is None:
            return None
        return cls(
            status=a.status,
            notice=list(a.notice),
            notified_at=a.notified_at,
            pledged_at=a.pledged_at,
            approved_on=a.approved_on,
            verification_due_on=dp.verification_due(a, info.context.calendar),
            verification_overdue=a.verification_overdue,
            verified_at=a.verified_at,
            findings=a.findings,
            bar_days=a.bar_days,
            approval=a,
        )
