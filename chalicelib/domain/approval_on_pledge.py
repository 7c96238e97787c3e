"""Approval on pledge (告知承诺制), seed 002 三(二) 「市场主体实行信用承诺制」 and seed 004 二(四)
「严格按照并联审批、告知承诺等方式进行运作」.

For an item whose catalogue terms allow it (`ApprovalOnPledgeTerms`):
1. the window gives the applicant a written notice (告知书): the item's conditions, the
   verification that follows approval and the liability for a false pledge;
2. the applicant chooses to pledge in writing (承诺书): the case is accepted on the pledge and
   goes straight to the lead department's approver (no substantive review: the pledge stands in
   for it), who decides within the item's promised limit as for any case;
3. an approval opens a verification task (核查) due `verification_days` working days later,
   watched by the deadline sweep (yellow and red warnings; a missed one is a violation of the
   lead department);
4. a pledge found false revokes the certificate at once (the registry's public status changes
   in the same transaction), records a serious credit record, and bars the applicant from
   告知承诺 and 容缺受理 for the item's `bar_days`.

An applicant with a credit record in force (a broken pledge, a serious violation, a false
pledge) is refused at the notice and at the pledge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chalicelib.domain.working_days import WorkingDayCalendar

MAX_FINDINGS = 2000


class PledgeApprovalStatus(StrEnum):
    NOTIFIED = "notified"  # the written notice was given; the applicant has not pledged yet
    PLEDGED = "pledged"  # accepted on the pledge; waiting for the decision
    VERIFYING = "verifying"  # approved on the pledge; verification open
    VERIFIED = "verified"  # the pledge was true
    FALSE = "false"  # the pledge was false: certificate revoked, serious credit record, bar


class PledgeCode:
    """Error codes of approval on pledge (part of the application error enum)."""

    PLEDGE_NOT_ALLOWED = "PLEDGE_NOT_ALLOWED"
    PLEDGE_NOT_NOTIFIED = "PLEDGE_NOT_NOTIFIED"
    NOT_VERIFYING = "NOT_VERIFYING"
    FINDINGS_REQUIRED = "FINDINGS_REQUIRED"


@dataclass(frozen=True)
class PledgeApproval:
    """The notice, the pledge and the verification of one case."""

    notice: tuple[str, ...]
    notified_by: str
    notified_at: str
    verification_days: int
    bar_days: int
    status: PledgeApprovalStatus = PledgeApprovalStatus.NOTIFIED
    pledged_at: str | None = None
    approved_on: date | None = None
    verified_by: str | None = None
    verified_at: str | None = None
    findings: str = ""
    verification_overdue: bool = False  # the sweep charged the missed verification deadline


# 行政许可法 art. 69(2): a licence obtained by deception is revoked (撤销).
REVOCATION_BASIS = (
    "《中华人民共和国行政许可法》第六十九条第二款:被许可人以欺骗、贿赂等不正当手段取得行政许可的,应当予以撤销"
)


@dataclass(frozen=True)
class DecisionRevocation:
    """The approval decision revoked because the pledge it rested on was found false before any
    certificate was issued: the reason, the legal basis and who revoked it when (the applicant is
    told; the case ends REVOKED). After issuance the certificate's revocation does this job."""

    reason: str
    legal_basis: str
    revoked_by: str
    revoked_at: str


def notice_text(item_name: str, conditions: tuple[str, ...], verification_days: int, liability: str) -> tuple[str, ...]:
    """告知书: what the applicant pledges to, what follows approval, and what a false pledge costs."""
    return (
        f"“{item_name}”实行告知承诺制。申请人书面承诺符合下列条件的,本中心依据承诺作出审批决定:",
        *(f"{i}. {condition}" for i, condition in enumerate(conditions, 1)),
        f"审批决定作出后{verification_days}个工作日内,主管部门将对承诺内容进行核查。",
        f"法律责任:{liability}",
        "申请人可以自主选择是否采用告知承诺方式;不愿承诺的,按一般程序办理。",
    )


def verification_due(approval: PledgeApproval, calendar: WorkingDayCalendar) -> date | None:
    """The verification deadline: `verification_days` working days after approval."""
    if approval.approved_on is None:
        return None
    return calendar.add_working_days(approval.approved_on, approval.verification_days)


def is_open_verification(approval: PledgeApproval | None) -> bool:
    return approval is not None and approval.status is PledgeApprovalStatus.VERIFYING
