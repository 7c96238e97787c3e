"""Public progress (办件公示, seed 001 四(四)2 阳光审批): what anyone holding a tracking code may see.

Seed 001 asks the centre to publish each case's handling and result, except for items whose
process involves state secrets, trade secrets or personal privacy. The public view is derived
from the case here and carries no staff identities, no full identifiers and no materials; the
applicant's name and a filing agent's identity are masked. Withdrawn cases are not published either: nothing was decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, Outcome, State
from chalicelib.domain.certificate import mask_identifier, mask_name
from chalicelib.domain.working_days import WorkingDayCalendar

TRACKING_CODE_LENGTH = 10
RATE_WINDOW = timedelta(minutes=1)
# A rate-limit record is worthless once its minute is over; DynamoDB's TTL removes it later.
RATE_RECORD_LIFETIME = timedelta(minutes=10)


class PublicCode:
    """English error codes of public lookups (unknown and hidden cases share NOT_FOUND)."""

    NOT_FOUND = "NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"


NOT_FOUND_MESSAGE = "未找到该受理编号对应的公示信息"
RATE_LIMITED_MESSAGE = "查询过于频繁,请一分钟后再试"
BAD_MONTH_MESSAGE = "月份格式应为 YYYY-MM"
MONTH_PATTERN = re.compile(r"20\d\d-(0[1-9]|1[0-2])")


class PublicStage(StrEnum):
    """The stages the public sees: internal steps (notices, rejection reports) are folded in."""

    SUBMITTED = "submitted"  # filed, not yet accepted (including waiting for a supplement)
    IN_REVIEW = "in_review"  # accepted; departments review (a refusal awaiting the supervisor too)
    DECIDED = "decided"  # approved or refused, final
    WITHDRAWN = "withdrawn"  # never published (see `is_published`); kept so the mapping is total
    NOT_ACCEPTED = "not_accepted"  # 不予受理 at the window (also while an objection is examined)
    REVOKED = "revoked"  # the approval was revoked (a false 告知承诺 found before issuance)


_STAGES = {
    State.SUBMITTED: PublicStage.SUBMITTED,
    State.NOTICE_ISSUED: PublicStage.SUBMITTED,
    State.IN_REVIEW: PublicStage.IN_REVIEW,
    State.APPROVED: PublicStage.DECIDED,
    State.REJECTED: PublicStage.DECIDED,
    State.WITHDRAWN: PublicStage.WITHDRAWN,
    State.INTAKE_REFUSED: PublicStage.NOT_ACCEPTED,
    State.INTAKE_REFUSAL_REPORTED: PublicStage.NOT_ACCEPTED,
    State.REVOKED: PublicStage.REVOKED,
}


def public_stage(state: State) -> PublicStage:
    """The applicant's view of the state (seed 004: an unconfirmed refusal is still in review)."""
    return _STAGES[da.shown_state(state, staff=False)]


def is_well_formed(code: str, alphabet: str) -> bool:
    """A code that could exist; anything else is answered without touching the table."""
    return len(code) == TRACKING_CODE_LENGTH and all(c in alphabet for c in code)


def is_published(case: Application) -> bool:
    """Confidential items (涉及国家秘密、商业秘密或个人隐私) and withdrawn cases stay hidden."""
    return not case.item.elements.confidential and case.state is not State.WITHDRAWN


def rate_window(now: datetime) -> str:
    """The UTC minute a lookup counts against, e.g. 2026-11-02T02:00."""
    return now.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class PublicProgress:
    """One case as published: no ids, no identifiers, no materials, no staff."""

    stage: PublicStage
    item_name: str
    lead_department_id: str  # resolved to a name by the API; never shown itself
    centre_id: str  # idem
    applicant_name_masked: str
    submitted_on: date
    accepted_on: date | None
    decided_on: date | None
    working_days_used: int | None  # None until the clock starts at acceptance
    promised_limit_days: int
    deadline: date | None
    outcome: Outcome | None
    deemed: bool
    agent_identifier_masked: str | None = None  # 代办: filed by an agent, whose verified identity is masked


def public_progress(case: Application, calendar: WorkingDayCalendar, today: date) -> PublicProgress:
    """The published view as of `today`; a decided case's clock stops on its decision day."""
    stage = public_stage(case.state)
    final = stage is PublicStage.DECIDED and case.decision is not None
    decided_on = da.china_date(datetime.fromisoformat(case.decision.decided_at)) if final and case.decision else None
    as_of = min(today, decided_on) if decided_on else today
    start = case.clock_start
    used = calendar.working_days_used(start, as_of, case.pauses(calendar, as_of)) if start else None
    return PublicProgress(
        stage=stage,
        item_name=case.item.elements.name,
        lead_department_id=case.lead_department_id,
        centre_id=case.centre_id,
        applicant_name_masked=mask_name(case.applicant.name),
        submitted_on=case.submitted_on,
        accepted_on=case.accepted_on,
        decided_on=decided_on,
        working_days_used=used,
        promised_limit_days=case.item.elements.promised_limit_days,
        deadline=da.promised_deadline(case, calendar, as_of),
        outcome=case.decision.outcome if final and case.decision else None,
        deemed=bool(final and case.decision and case.decision.deemed),
        agent_identifier_masked=mask_identifier(case.agent_identifier) if case.agent_identifier else None,
    )
