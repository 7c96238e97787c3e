"""The application aggregate (办件): its states, value types and what it knows about itself.

Seed clauses the shapes carry: 004 二(五) 首问负责制 (`first_contact_officer`) and 一次性告知
(`OneTimeNotice`); 002 四(八) 容缺办理/容缺后补 (`CreditPledge`); 004 二(四) 并联审批 and 缺席默认
(`ReviewTask`); Administrative Licensing Law art. 45 (`SpecialStepRun` pauses the clock, `pauses`);
004 二(五) 否认报备 (`RejectionReport`); 000 三(一) 在地受理、内部流转 and 同权审批 (the competent
centre and the departments exercising a delegated power). Imports nothing else of this package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from chalicelib.domain.application_form import FormRevision, FormValue
from chalicelib.domain.approval_on_pledge import DecisionRevocation, PledgeApproval, PledgeApprovalStatus
from chalicelib.domain.catalogue import CoReviewer, Material, MaterialKind, ServiceItem, SpecialStepKind
from chalicelib.domain.deficiency_policy import DeficiencyMode, RevocationReview
from chalicelib.domain.emergency_handling import EmergencyAuthorisation
from chalicelib.domain.identifiers import classify
from chalicelib.domain.identity import Role
from chalicelib.domain.intake_refusal import IntakeRefusal
from chalicelib.domain.material_condition import Circumstances, applies
from chalicelib.domain.referral import Referral
from chalicelib.domain.working_days import Pause, WorkingDayCalendar

CHINA = timezone(timedelta(hours=8))
AUTO_ACCEPT_WORKING_DAYS = 5
MAX_STEP_DAYS = 365  # cap for a step the item no longer lists
MAX_TEXT = 1000
SYSTEM = "system"


def china_date(moment: datetime) -> date:
    """Deadlines run on the applicant's calendar day in China, not UTC's."""
    return moment.astimezone(CHINA).date()


class State(StrEnum):
    SUBMITTED = "submitted"  # filed, waiting for intake at the window
    NOTICE_ISSUED = "notice_issued"  # one-time notice sent, waiting for the applicant
    IN_REVIEW = "in_review"  # accepted; departments review
    REJECTION_REPORTED = "rejection_reported"  # refusal waiting for a supervisor (否认报备)
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    # 不予受理 (domain/intake_refusal.py): refused in writing at the window; objected to, the
    # refusal waits for the clerk's unit leader (否认报备), who confirms it (back here) or corrects it
    # (back to SUBMITTED).
    INTAKE_REFUSED = "intake_refused"
    INTAKE_REFUSAL_REPORTED = "intake_refusal_reported"
    # 告知承诺 found false before issuance: the approval decision is revoked (domain/decision_revocation.py).
    REVOKED = "revoked"


OPEN_STATES = frozenset(
    {State.SUBMITTED, State.NOTICE_ISSUED, State.IN_REVIEW, State.REJECTION_REPORTED, State.INTAKE_REFUSAL_REPORTED}
)
# Seed 002 容缺办理: the decision may come before the pledged materials (the certificate waits for
# them), so a pledge stays enforceable after approval.
PLEDGE_STATES = frozenset({State.IN_REVIEW, State.REJECTION_REPORTED, State.APPROVED})


class Channel(StrEnum):
    ONLINE = "online"
    WINDOW = "window"


class TaskRole(StrEnum):
    LEAD = "lead"
    CO = "co"


class TaskStatus(StrEnum):
    OPEN = "open"
    AGREED = "agreed"
    OBJECTED = "objected"
    DEEMED_CONSENT = "deemed_consent"  # 缺席默认


class Opinion(StrEnum):
    AGREE = "agree"
    OBJECT = "object"


class Problem(StrEnum):
    MISSING = "missing"
    DEFECTIVE = "defective"


class PledgeStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    BROKEN = "broken"  # due date passed: a credit default was recorded
    FULFILLED_LATE = "fulfilled_late"  # supplied after the default (the default stays)


SETTLED_PLEDGE = frozenset({PledgeStatus.FULFILLED, PledgeStatus.FULFILLED_LATE})


class ReportStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    WITHDRAWN = "withdrawn"  # the applicant withdrew before the supervisor ruled


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class ApplicationKind(StrEnum):
    """A first application, or the renewal (延续) of a licence the applicant holds (domain/renewal.py)."""

    NEW = "new"
    RENEWAL = "renewal"


class MeetingKind(StrEnum):
    JOINT_INSPECTION = "joint_inspection"  # 联合踏勘
    JOINT_REVIEW = "joint_review"  # 联合会审


# ---------------------------------------------------------------------------------------------
# The case
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """Who applies: their account, name and identifier (ID card or unified social credit code)."""

    id: str  # "" for a case a window filed to the identity alone (no account)
    name: str
    identifier: str


NO_ACCOUNT = "no-account"  # storage path segment of the documents of a case filed without an account


def storage_owner(account: str) -> str:
    """The path segment a case's stored documents go under: the account, or `NO_ACCOUNT` for a case
    a window filed to the identity alone (a key segment may not be empty; the rest is unique)."""
    return account or NO_ACCOUNT


@dataclass(frozen=True)
class SubmittedMaterial:
    code: str
    file_name: str
    blob_key: str
    sha256: str
    size: int
    round: int


@dataclass(frozen=True)
class NoticeEntry:
    material_code: str
    problem: Problem
    description: str
    legal_basis: str
    form: str


@dataclass(frozen=True)
class OneTimeNotice:
    """一次性告知: every defect of one submission, with basis, form and what to do next."""

    round: int
    entries: tuple[NoticeEntry, ...]
    procedure: str
    issued_by: str
    issued_at: str


@dataclass(frozen=True)
class CreditPledge:
    """信用承诺书: secondary materials the applicant promises to supply by `due_on`."""

    material_codes: tuple[str, ...]
    due_on: date
    status: PledgeStatus
    pledged_at: str
    settled_at: str | None = None
    mode: DeficiencyMode = DeficiencyMode.WAIT  # 容缺办理 or 容缺后补 (the item's deficiency policy)

    @property
    def allows_issue(self) -> bool:
        """容缺办理 waits for the materials; 容缺后补 issues at once while the pledge is open."""
        return self.status in SETTLED_PLEDGE or (
            self.mode is DeficiencyMode.SAME_DAY and self.status is PledgeStatus.OPEN
        )


@dataclass(frozen=True)
class ReviewTask:
    department_id: str
    role: TaskRole
    limit_days: int
    status: TaskStatus = TaskStatus.OPEN
    reviewer_id: str | None = None
    opinion: str = ""
    concluded_at: str | None = None


@dataclass(frozen=True)
class SpecialStepRun:
    kind: SpecialStepKind
    name: str
    counts_toward_limit: bool
    started_on: date
    started_by: str
    ended_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class DepartmentOpinion:
    department_id: str
    opinion: str


@dataclass(frozen=True)
class Meeting:
    kind: MeetingKind
    held_on: date
    opinions: tuple[DepartmentOpinion, ...]
    recorded_by: str


@dataclass(frozen=True)
class Extension:
    days: int
    reason: str
    granted_by: str
    granted_at: str


@dataclass(frozen=True)
class RejectionReport:
    """否认报备: the refusal, its legal basis and the supervisor's confirmation or correction."""

    reason: str
    legal_basis: str
    reported_by: str
    reported_at: str
    status: ReportStatus = ReportStatus.PENDING
    supervisor_id: str | None = None
    supervisor_note: str = ""
    resolved_at: str | None = None


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    decided_by: str
    decided_at: str
    reason: str
    legal_basis: str = ""
    deemed: bool = False  # 超时默认: approved because the limit passed
    authority: str = ""  # decided at the window under a post's authority (domain/window_authority.py)


@dataclass(frozen=True)
class RenewalOf:
    """延续 (Administrative Licensing Law art. 50; rules in domain/renewal.py): the licence a
    renewal case renews, recorded at filing so neither the sweep nor issuance reads it again."""

    certificate_id: str
    certificate_number: str
    valid_until: date  # the previous licence's last valid day; the renewed one continues from the next
    certificate_identifier: str = ""  # its GB/T 36904 identifier: the renewed licence points to it


@dataclass(frozen=True)
class Application:
    id: str
    tracking_code: str
    item: ServiceItem  # the version filed under: later catalogue changes do not touch it
    applicant: Applicant
    filed_by: str
    filed_by_role: str
    channel: Channel
    centre_id: str
    state: State
    submitted_at: str
    submitted_on: date
    materials: tuple[SubmittedMaterial, ...] = ()
    round: int = 1
    first_contact_officer: str | None = None
    accepted_by: str | None = None
    accepted_on: date | None = None
    review_opened_on: date | None = None  # departments' clocks start here (== accepted_on unless deemed)
    deemed_accepted: bool = False
    pledge: CreditPledge | None = None
    notices: tuple[OneTimeNotice, ...] = ()
    tasks: tuple[ReviewTask, ...] = ()
    special_steps: tuple[SpecialStepRun, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    extensions: tuple[Extension, ...] = ()
    reports: tuple[RejectionReport, ...] = ()
    decision: Decision | None = None
    red_flag: bool = False
    certificate_id: str | None = None
    intake_refusals: tuple[IntakeRefusal, ...] = ()  # 不予受理 at the window (domain/intake_refusal.py)
    pledge_approval: PledgeApproval | None = None  # 告知承诺制 (domain/approval_on_pledge.py)
    emergency: EmergencyAuthorisation | None = None  # 先予办理 (domain/emergency_handling.py)
    consultation_id: str | None = None  # the consultation that was the first contact (domain/consultation.py)
    warned: tuple[str, ...] = ()  # deadlines (supervision keys) that already had a yellow warning
    referrals: tuple[Referral, ...] = ()  # 上报件 (seed 004 三级联动): see domain/referral.py
    events: int = 0
    last_hash: str = "0" * 64
    form_data: dict[str, FormValue] = field(default_factory=dict)  # 申请表, checked at filing
    revocation_review: RevocationReview | None = None  # 容缺后补 pledge lapsed after issuance
    decision_revocation: DecisionRevocation | None = None  # the approval revoked (domain/decision_revocation.py)
    form_history: tuple[FormRevision, ...] = ()  # answers replaced by 补正 supplements (domain/application_form.py)
    agent_identifier: str | None = None  # 代办: the filing agent's verified identity (domain/verified_identity.py)
    # 在地受理、内部流转 and 同权审批 (seed 000 三(一)2), fixed at filing: `centre_id` is the window
    # that took the case (intake, notices, delivery); the competent centre reviews, decides and
    # issues, through the departments that exercise the power there. None: the item's own.
    competent_centre_id: str | None = None
    exercised_lead_department_id: str | None = None
    exercised_co_reviewers: tuple[CoReviewer, ...] | None = None
    # The intake and competent centres and every centre above them: whose supervisors oversee it.
    oversight_centre_ids: tuple[str, ...] = ()
    renewal: RenewalOf | None = None  # 延续: set on renewal cases at filing (domain/renewal.py)

    @property
    def kind(self) -> ApplicationKind:
        return ApplicationKind.RENEWAL if self.renewal is not None else ApplicationKind.NEW

    @property
    def lead_department_id(self) -> str:
        return self.exercised_lead_department_id or self.item.elements.department_id

    @property
    def handling_centre_id(self) -> str:
        """The competent centre: its departments decide and its bureau issues the certificate."""
        return self.competent_centre_id or self.centre_id

    @property
    def co_reviewers(self) -> tuple[CoReviewer, ...]:
        if self.exercised_co_reviewers is not None:
            return self.exercised_co_reviewers
        return self.item.elements.co_reviewers

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def material_codes(self) -> set[str]:
        return {m.code for m in self.materials}

    @property
    def filed_by_agent(self) -> bool:
        """代办: an agent filed for someone else (a clerk keying in for a present applicant is not)."""
        return self.filed_by != self.applicant.id and Role.AGENT.value in self.filed_by_role.split(",")

    def required_materials(self) -> list[Material]:
        """The item's materials whose conditions hold for this application (conditional materials)."""
        here = Circumstances(self.filed_by_agent, classify(self.applicant.identifier), self.form_data)
        return [m for m in self.item.elements.materials if applies(m.applies_when, here)]

    def missing_materials(self) -> list[str]:
        present = self.material_codes()
        return [m.code for m in self.required_materials() if m.code not in present]

    def missing_primary(self) -> list[str]:
        present = self.material_codes()
        return [m.code for m in self.required_materials() if m.kind is MaterialKind.PRIMARY and m.code not in present]

    @property
    def clock_start(self) -> date | None:
        return self.review_opened_on or self.accepted_on

    def pauses(self, calendar: WorkingDayCalendar, today: date) -> list[Pause]:
        """Special steps whose days do not count toward the limit stop the clock, from the day after
        they start (the start day was already a working day of the case; a step started and ended
        the same day pauses nothing), for at most the step's published maximum of working days:
        a step left running cannot stop the clock for ever."""
        limits = {s.kind: s.max_days for s in self.item.elements.special_steps}
        out = []
        for step in self.special_steps:
            if step.counts_toward_limit or (step.ended_on is not None and step.ended_on <= step.started_on):
                continue
            cap = calendar.add_working_days(step.started_on, limits.get(step.kind, MAX_STEP_DAYS))
            # A running step counts up to today (an open pause), and never past its cap.
            end = min(step.ended_on, cap) if step.ended_on else (cap if cap < today else None)
            out.append(Pause(step.started_on + timedelta(days=1), end))
        return out

    def running_step(self, kind: SpecialStepKind) -> SpecialStepRun | None:
        return next((s for s in self.special_steps if s.kind is kind and s.ended_on is None), None)

    @property
    def awaiting_issue(self) -> bool:
        """Approved, a certificate is due, pledged materials are in, and none is issued yet."""
        return (
            self.state is State.APPROVED
            and self.certificate_id is None
            and self.item.elements.certificate_type is not None
            and (self.pledge is None or self.pledge.allows_issue)
            and not self.missing_primary()
            and not (self.pledge_approval and self.pledge_approval.status is PledgeApprovalStatus.FALSE)
        )

    def pending_report(self) -> RejectionReport | None:
        return next((r for r in self.reports if r.status is ReportStatus.PENDING), None)
