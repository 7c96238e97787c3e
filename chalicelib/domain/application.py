"""Applications (办件): one applicant's case for one item version, from filing to decision.

Every transition is a pure function `(case, actor, ...) -> Transition` that either returns the
new case plus the audit event and side effects, or raises `DomainError` with a specific code.
The rules, by seed:
- 002/004 one-window intake: the first clerk is the first-contact officer (首问负责制); one
  one-time notice (一次性告知) per submission lists every defect with its legal basis; deficiency
  acceptance (容缺受理) only for secondary materials, under a credit pledge due within the
  promised limit, refused to applicants with a credit default in force;
- Administrative Licensing Law art. 32 as applied by the centre: no notice within 5 working days
  of submission means the case counts as accepted;
- 000/001/002/004 parallel review: the lead department and every co-reviewer review at once,
  each with its own deadline; silence past it is deemed consent (缺席默认);
- special steps pause the clock when the item says they do not count;
- 004 rejection report (否认报备): a refusal waits for a supervisor, who confirms it (the applicant
  is told in writing with the legal basis) or corrects it (back to review);
- 004 timeout rule (超时默认): past the promised limit undecided, deemed approval or escalation;
- 002 separation of duties (受理、审核、制证三分离): whoever accepted may not review or decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from chalicelib.domain.application_form import FormCode, FormRevision, FormValue, check_answers, correct_answers
from chalicelib.domain.approval_on_pledge import (
    DecisionRevocation,
    PledgeApproval,
    PledgeApprovalStatus,
    PledgeCode,
    notice_text,
)
from chalicelib.domain.audit import Event, make_event
from chalicelib.domain.catalogue import (
    CoReviewer,
    ItemKind,
    ItemStatus,
    Material,
    MaterialKind,
    ServiceItem,
    SpecialStepKind,
    TimeoutRule,
)
from chalicelib.domain.deficiency_policy import (
    DeficiencyCode,
    DeficiencyMode,
    ReviewOutcome,
    RevocationReview,
    check_deficiency,
    close_review,
    limit_days,
    open_review,
)
from chalicelib.domain.emergency_handling import EmergencyAuthorisation, EmergencyCode
from chalicelib.domain.emergency_handling import check as check_emergency
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identifiers import classify
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.intake_refusal import IntakeRefusal, RefusalCode, RefusalGround, RefusalStatus, check_refusal
from chalicelib.domain.material_condition import ApplicabilityCode, Circumstances, applies
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


class MeetingKind(StrEnum):
    JOINT_INSPECTION = "joint_inspection"  # 联合踏勘
    JOINT_REVIEW = "joint_review"  # 联合会审


class Code:
    """English error codes of the application domain."""

    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    INVALID_ID = "INVALID_ID"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    ITEM_NOT_PUBLISHED = "ITEM_NOT_PUBLISHED"
    ITEM_NOT_AT_CENTRE = "ITEM_NOT_AT_CENTRE"
    UNKNOWN_MATERIAL = "UNKNOWN_MATERIAL"
    DUPLICATE_MATERIAL = "DUPLICATE_MATERIAL"
    MATERIAL_FILE_MISSING = "MATERIAL_FILE_MISSING"
    MATERIALS_INCOMPLETE = "MATERIALS_INCOMPLETE"
    NOTICE_ALREADY_ISSUED = "NOTICE_ALREADY_ISSUED"
    NOTICE_EMPTY = "NOTICE_EMPTY"
    NOTICE_INCOMPLETE = "NOTICE_INCOMPLETE"
    DEFICIENCY_PRIMARY_MATERIAL = "DEFICIENCY_PRIMARY_MATERIAL"
    DEFICIENCY_NOT_MISSING = "DEFICIENCY_NOT_MISSING"
    PLEDGE_AFTER_LIMIT = "PLEDGE_AFTER_LIMIT"
    PLEDGE_IN_PAST = "PLEDGE_IN_PAST"
    CREDIT_DEFAULT = "CREDIT_DEFAULT"
    OUTSIDE_CENTRE = "OUTSIDE_CENTRE"
    OUTSIDE_DEPARTMENT = "OUTSIDE_DEPARTMENT"
    SEPARATION_OF_DUTIES = "SEPARATION_OF_DUTIES"
    REVIEW_PENDING = "REVIEW_PENDING"
    TASK_CLOSED = "TASK_CLOSED"
    SPECIAL_STEP_NOT_DEFINED = "SPECIAL_STEP_NOT_DEFINED"
    SPECIAL_STEP_RUNNING = "SPECIAL_STEP_RUNNING"
    SPECIAL_STEP_NOT_RUNNING = "SPECIAL_STEP_NOT_RUNNING"
    REASON_REQUIRED = "REASON_REQUIRED"
    LEGAL_BASIS_REQUIRED = "LEGAL_BASIS_REQUIRED"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NOT_AUTHORISED_AGENT = "NOT_AUTHORISED_AGENT"
    NOTHING_TO_SUPPLEMENT = "NOTHING_TO_SUPPLEMENT"
    CERTIFICATE_UNAVAILABLE = "CERTIFICATE_UNAVAILABLE"
    NOT_PLEDGED = "NOT_PLEDGED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    NOTICE_NEW_DEMAND = "NOTICE_NEW_DEMAND"
    DUPLICATE = "DUPLICATE"
    REFERRAL_STEP = "REFERRAL_STEP"
    ALREADY_ACCEPTED = RefusalCode.ALREADY_ACCEPTED
    COMPETENT_AGENCY_REQUIRED = RefusalCode.COMPETENT_AGENCY_REQUIRED
    OBJECTION_LATE = RefusalCode.OBJECTION_LATE
    ALREADY_OBJECTED = RefusalCode.ALREADY_OBJECTED
    NOT_UNIT_LEADER = RefusalCode.NOT_UNIT_LEADER
    PLEDGE_NOT_ALLOWED = PledgeCode.PLEDGE_NOT_ALLOWED
    PLEDGE_NOT_NOTIFIED = PledgeCode.PLEDGE_NOT_NOTIFIED
    NOT_VERIFYING = PledgeCode.NOT_VERIFYING
    FINDINGS_REQUIRED = PledgeCode.FINDINGS_REQUIRED
    NOT_IMMEDIATE_ITEM = "NOT_IMMEDIATE_ITEM"
    WINDOW_NOT_AUTHORISED = "WINDOW_NOT_AUTHORISED"
    FOLLOW_UP_MISMATCH = EmergencyCode.FOLLOW_UP_MISMATCH
    FOLLOW_UP_TOO_LATE = EmergencyCode.FOLLOW_UP_TOO_LATE
    EMERGENCY_NOT_PERMITTED = EmergencyCode.EMERGENCY_NOT_PERMITTED


def _fail(code: str, message: str, field_: str | None = None) -> DomainError:
    return DomainError.one(code, message, field_)


# ---------------------------------------------------------------------------------------------
# The case
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """Who applies: their account, name and identifier (ID card or unified social credit code)."""

    id: str
    name: str
    identifier: str


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


# ---------------------------------------------------------------------------------------------
# What the applicant is told (seed 004 否认报备: a refusal reaches them only once confirmed)
# ---------------------------------------------------------------------------------------------

INTERNAL_ACTIONS = frozenset({"report_rejection", "correct_rejection"})
STAFF_LABEL = "工作人员"


def shown_state(state: State, staff: bool) -> State:
    """A refusal awaiting the supervisor is still 'in review' for the applicant."""
    return State.IN_REVIEW if state is State.REJECTION_REPORTED and not staff else state


def shown_event(event: Event, staff: bool, viewer: str | None) -> Event:
    """Applicants see who acted as a role, not a staff identity, and no unconfirmed refusal."""
    if staff:
        return event
    actor = event.actor if event.actor in {viewer, SYSTEM} else STAFF_LABEL
    internal = event.action in INTERNAL_ACTIONS
    return replace(
        event,
        action="review" if internal else event.action,
        actor=actor,
        post="",
        acting_as="",
        reason="审查中" if internal else event.reason,
        from_state=shown_state(State(event.from_state), False).value if event.from_state else None,
        to_state=shown_state(State(event.to_state), False).value,
    )


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------


def promised_deadline(case: Application, calendar: WorkingDayCalendar, today: date) -> date | None:
    """The promised limit from when review opened, plus extensions, minus paused working days."""
    start = case.clock_start
    if start is None:
        return None
    limit = _days(case, case.item.elements.promised_limit_days) + sum(e.days for e in case.extensions)
    return calendar.deadline(start, limit, case.pauses(calendar, today), today=today)


def _days(case: Application, days: int) -> int:
    """A limit as it applies to this case: 容缺后补 shortens it to the acceptance day."""
    return limit_days(case.pledge.mode if case.pledge else None, days)


def task_deadline(case: Application, task: ReviewTask, calendar: WorkingDayCalendar, today: date) -> date | None:
    """A reviewing department's own limit runs from when its task opened, paused like the case."""
    start = case.clock_start
    if start is None:
        return None
    limit = _days(case, task.limit_days) + sum(e.days for e in case.extensions)
    return calendar.deadline(start, limit, case.pauses(calendar, today), today=today)


def intake_deadline(case: Application, calendar: WorkingDayCalendar) -> date:
    """The day after which an un-noticed submission counts as accepted."""
    return calendar.add_working_days(case.submitted_on, AUTO_ACCEPT_WORKING_DAYS)


def working_days_left(case: Application, calendar: WorkingDayCalendar, today: date) -> int | None:
    start = case.clock_start
    if start is None or not case.is_open:
        return None
    limit = _days(case, case.item.elements.promised_limit_days) + sum(e.days for e in case.extensions)
    return calendar.working_days_left(start, limit, today, case.pauses(calendar, today))


# ---------------------------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """Something a transition causes outside the case (credit records, violations)."""

    kind: str  # "credit_default" | "violation"
    subject: str  # applicant id or department id
    detail: str


@dataclass(frozen=True)
class Transition:
    case: Application
    event: Event
    effects: tuple[Effect, ...] = field(default=())


def _text(value: str, code: str, message: str, field_: str) -> str:
    value = value.strip()
    if not value:
        raise _fail(code, message, field_)
    if len(value) > MAX_TEXT:
        raise _fail(Code.OUT_OF_RANGE, f"内容不能超过{MAX_TEXT}个字符", field_)
    return value


def _move(
    case: Application, to: Application, action: str, actor: Principal | None, at: str, reason: str, *effects: Effect
) -> Transition:
    """Append the audit event (hash-chained to the previous one) to a state change."""
    who = actor.subject if actor and actor.subject else SYSTEM
    role = ",".join(sorted(r.value for r in actor.roles)) if actor else SYSTEM
    post = (actor.post or "") if actor else ""
    acting_as = (actor.acting_as or "") if actor else ""
    event = make_event(
        case.last_hash,
        case.events + 1,
        at,
        action,
        who,
        role,
        case.state.value,
        to.state.value,
        reason,
        post,
        acting_as,
    )
    return Transition(replace(to, events=event.seq, last_hash=event.hash), event, tuple(effects))


def _require_state(case: Application, *states: State) -> None:
    # The message names no state: an applicant must not learn of an unconfirmed refusal from it.
    if case.state not in states:
        raise _fail(Code.ILLEGAL_TRANSITION, "办件当前所处环节不能执行此操作")


def _require_role(actor: Principal, *roles: Role) -> str:
    if not actor.has_any(*roles) or actor.subject is None:
        raise _fail(Code.FORBIDDEN, "没有权限执行此操作")
    return actor.subject


def _require_centre(centre_id: str, actor: Principal) -> None:
    """Window staff act only for cases of their own centre."""
    if actor.centre_id != centre_id:
        raise _fail(Code.OUTSIDE_CENTRE, "只能办理本中心受理的办件")


def _require_department(actor: Principal, department_id: str) -> None:
    if actor.department_id != department_id:
        raise _fail(Code.OUTSIDE_DEPARTMENT, "只能办理本部门的审查任务")


def _require_not_acceptor(case: Application, actor_id: str) -> None:
    if case.accepted_by is not None and case.accepted_by == actor_id:
        raise _fail(Code.SEPARATION_OF_DUTIES, "受理、审核、制证须由不同人员办理,受理人不能审查或决定本件")


# Used by the referral transitions (domain/referral.py), which follow the same rules.
move = _move
require_role = _require_role
require_state = _require_state
require_department = _require_department


def _check_materials(item: ServiceItem, materials: tuple[SubmittedMaterial, ...], prefix: str) -> None:
    known = {m.code for m in item.elements.materials}
    seen: set[str] = set()
    for i, material in enumerate(materials):
        if material.code not in known:
            raise _fail(Code.UNKNOWN_MATERIAL, f"材料{material.code}不属于该事项", f"{prefix}[{i}].code")
        if material.code in seen:
            raise _fail(Code.DUPLICATE_MATERIAL, f"材料{material.code}重复提交", f"{prefix}[{i}].code")
        seen.add(material.code)


def file(
    *,
    application_id: str,
    tracking_code: str,
    item: ServiceItem,
    applicant: Applicant,
    actor: Principal,
    channel: Channel,
    centre_id: str,
    materials: tuple[SubmittedMaterial, ...],
    now: datetime,
    agent_authorised: bool,
    form_data: Mapping[str, object] | None = None,
    first_contact: tuple[str, str] | None = None,
    competent_centre_id: str | None = None,
    oversight_centre_ids: tuple[str, ...] = (),
) -> Transition:
    """File for the current published version (by the applicant, an authorised agent or a clerk).
    The form is checked together with the materials: every problem is reported at once.
    `first_contact` is (consultation id, staff id) of the person's earlier consultation at this
    centre (domain/consultation.py): whoever was asked first is the first-contact officer.

    `centre_id` is the window taking the case; `competent_centre_id` (default: the same) the
    centre that holds the power, found by routing (seed 000 在地受理、按职权内部流转). At a centre
    the power is delegated to, its receiving departments exercise it (同权审批)."""
    who = _require_role(actor, Role.APPLICANT, Role.AGENT, Role.CLERK)
    if item.status is not ItemStatus.PUBLISHED:
        raise _fail(Code.ITEM_NOT_PUBLISHED, "该事项已取消或合并,不能申请", "itemId")
    competent = competent_centre_id or centre_id
    if competent not in item.centre_ids:
        raise _fail(Code.ITEM_NOT_AT_CENTRE, "该中心不办理此事项", "centreId")
    delegation = item.delegation_at(competent)
    if actor.has_any(Role.CLERK):
        _require_centre(centre_id, actor)
    elif actor.has_any(Role.AGENT) and applicant.id != who:
        if not agent_authorised:
            raise _fail(Code.NOT_AUTHORISED_AGENT, "代办员未获得申请人授权", "applicant")
    elif applicant.id != who:
        raise _fail(Code.FORBIDDEN, "只能为本人提出申请", "applicant")
    _text(applicant.name, Code.OUT_OF_RANGE, "申请人姓名不能为空", "applicant.name")
    _text(applicant.identifier, Code.OUT_OF_RANGE, "申请人证件号码不能为空", "applicant.identifier")
    problems = []
    answers: dict[str, FormValue] = {}
    try:
        answers = check_answers(item.elements.form, form_data)
    except DomainError as error:
        problems += error.violations
    try:
        _check_materials(item, materials, "materials")
    except DomainError as error:
        problems += error.violations
    if problems:
        raise DomainError(problems)
    at = now.isoformat(timespec="seconds")
    draft = Application(
        id=application_id,
        tracking_code=tracking_code,
        item=item,
        applicant=applicant,
        filed_by=who,
        filed_by_role=",".join(sorted(r.value for r in actor.roles)),
        channel=channel,
        centre_id=centre_id,
        state=State.SUBMITTED,
        submitted_at=at,
        submitted_on=china_date(now),
        materials=materials,
        first_contact_officer=first_contact[1] if first_contact else (who if actor.has_any(Role.CLERK) else None),
        consultation_id=first_contact[0] if first_contact else None,
        form_data=answers,
        competent_centre_id=competent,
        exercised_lead_department_id=delegation.lead_department_id if delegation else None,
        exercised_co_reviewers=delegation.co_reviewers if delegation else None,
        oversight_centre_ids=oversight_centre_ids or (centre_id, competent),
    )
    event = make_event(
        draft.last_hash,
        1,
        at,
        "file",
        who,
        draft.filed_by_role,
        None,
        State.SUBMITTED.value,
        "提交申请",
        actor.post or "",
        actor.acting_as or "",
    )
    return Transition(replace(draft, events=1, last_hash=event.hash), event)


def _first_contact(case: Application, actor_id: str) -> str:
    return case.first_contact_officer or actor_id


def _open_tasks(case: Application) -> tuple[ReviewTask, ...]:
    e = case.item.elements
    if e.kind is ItemKind.IMMEDIATE:
        return ()  # decided at the window, no department review
    lead = ReviewTask(case.lead_department_id, TaskRole.LEAD, e.promised_limit_days)
    return (lead, *(ReviewTask(c.department_id, TaskRole.CO, c.limit_days) for c in case.co_reviewers))


def accept(case: Application, actor: Principal, now: datetime) -> Transition:
    """Accept a complete submission: review opens for the lead and every co-reviewer at once."""
    who = _require_role(actor, Role.CLERK)
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    missing = case.missing_materials()
    if missing:
        raise _fail(
            Code.MATERIALS_INCOMPLETE,
            f"材料不全({', '.join(missing)}),请出具一次性告知书或按容缺受理",
            "materials",
        )
    accepted = replace(
        case,
        state=State.IN_REVIEW,
        first_contact_officer=_first_contact(case, who),
        accepted_by=who,
        accepted_on=china_date(now),
        review_opened_on=china_date(now),
        tasks=_open_tasks(case),
    )
    return _move(case, accepted, "accept", actor, now.isoformat(timespec="seconds"), "材料齐全,予以受理")


def accept_with_deficiency(
    case: Application,
    actor: Principal,
    now: datetime,
    missing_codes: tuple[str, ...],
    pledge_due: date,
    credit_default_in_force: bool,
    calendar: WorkingDayCalendar,
    mode: DeficiencyMode = DeficiencyMode.WAIT,
) -> Transition:
    """容缺受理: only secondary materials may be missing, under a pledge due within the limit
    (容缺办理) or within the item's set time (容缺后补), as the item's deficiency policy allows."""
    who = _require_role(actor, Role.CLERK)
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    if credit_default_in_force:
        raise _fail(Code.CREDIT_DEFAULT, "申请人存在未消除的失信记录,不适用容缺受理", "applicant")
    materials = {m.code: m for m in case.item.elements.materials}
    actually_missing = set(case.missing_materials())
    if not missing_codes or set(missing_codes) != actually_missing:
        raise _fail(
            Code.DEFICIENCY_NOT_MISSING,
            f"容缺材料应与实际欠缺材料一致:{', '.join(sorted(actually_missing)) or '无'}",
            "missingMaterialCodes",
        )
    primary = [c for c in missing_codes if materials[c].kind is MaterialKind.PRIMARY]
    if primary:
        raise _fail(
            Code.DEFICIENCY_PRIMARY_MATERIAL,
            f"主要材料({', '.join(primary)})欠缺,不能容缺受理",
            "missingMaterialCodes",
        )
    check_deficiency(case.item.elements.deficiency, mode, missing_codes)
    today = china_date(now)
    if pledge_due <= today:
        raise _fail(Code.PLEDGE_IN_PAST, "承诺补正日期须晚于今天", "pledgeDueOn")
    if mode is DeficiencyMode.SAME_DAY:
        supply_end = calendar.add_working_days(today, case.item.elements.deficiency.supply_days)
        if pledge_due > supply_end:
            raise _fail(
                DeficiencyCode.PLEDGE_AFTER_SUPPLY_LIMIT,
                f"容缺后补的补齐日期不得晚于事项规定的期限({supply_end.isoformat()})",
                "pledgeDueOn",
            )
    limit_end = calendar.add_working_days(today, case.item.elements.promised_limit_days)
    if mode is DeficiencyMode.WAIT and pledge_due > limit_end:
        raise _fail(
            Code.PLEDGE_AFTER_LIMIT,
            f"承诺补正日期不得晚于承诺办结时限({limit_end.isoformat()})",
            "pledgeDueOn",
        )
    at = now.isoformat(timespec="seconds")
    accepted = replace(
        case,
        state=State.IN_REVIEW,
        first_contact_officer=_first_contact(case, who),
        accepted_by=who,
        accepted_on=today,
        review_opened_on=today,
        tasks=_open_tasks(case),
        pledge=CreditPledge(tuple(sorted(missing_codes)), pledge_due, PledgeStatus.OPEN, at, mode=mode),
    )
    label = "容缺后补" if mode is DeficiencyMode.SAME_DAY else "容缺受理"
    return _move(case, accepted, "accept_with_deficiency", actor, at, f"{label},承诺{pledge_due.isoformat()}前补齐")


def issue_notice(
    case: Application,
    actor: Principal,
    now: datetime,
    entries: tuple[NoticeEntry, ...],
    procedure: str,
    admit_omission: bool = False,
) -> Transition:
    """一次性告知: one notice per submission, listing everything at once. A later notice may ask for
    something an earlier one left out only when the clerk admits the omission (`admit_omission`):
    the applicant is then told, and the earlier notice's issuer is charged (domain/conduct.py)."""
    who = _require_role(actor, Role.CLERK)
    if case.state is State.NOTICE_ISSUED or any(n.round == case.round for n in case.notices):
        raise _fail(Code.NOTICE_ALREADY_ISSUED, "本次提交已出具过一次性告知书,不得再次告知")
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    if not entries:
        raise _fail(Code.NOTICE_EMPTY, "告知书至少列明一项需补正的材料", "entries")
    materials = {m.code: m for m in case.item.elements.materials}
    required = {m.code for m in case.required_materials()}
    filled: list[NoticeEntry] = []
    for i, entry in enumerate(entries):
        material = materials.get(entry.material_code)
        if material is None:
            raise _fail(Code.UNKNOWN_MATERIAL, f"材料{entry.material_code}不属于该事项", f"entries[{i}].materialCode")
        if entry.material_code not in required:
            raise _fail(
                ApplicabilityCode.MATERIAL_NOT_APPLICABLE,
                f"材料{entry.material_code}不适用于本申请(适用条件不满足),不得要求补正",
                f"entries[{i}].materialCode",
            )
        _text(entry.description, Code.REASON_REQUIRED, "请说明需补正的内容", f"entries[{i}].description")
        filled.append(
            replace(
                entry,
                legal_basis=entry.legal_basis.strip() or material.legal_basis,
                form=entry.form.strip() or material.form.value,
            )
        )
    if case.notices:
        listed = {e.material_code for n in case.notices for e in n.entries}
        resupplied = {m.code for m in case.materials if m.round == case.round}
        new = sorted({e.material_code for e in filled} - listed - resupplied)
        if new and not admit_omission:
            raise _fail(
                Code.NOTICE_NEW_DEMAND,
                f"一次性告知后不得提出新的补正要求:{', '.join(new)}未在首次告知中列明"
                "(确属首次告知遗漏的,须确认遗漏后方可补充告知,并记入首次告知人的效能记录)",
                "entries",
            )
    omitted = sorted(set(case.missing_materials()) - {e.material_code for e in filled})
    if omitted:
        raise _fail(
            Code.NOTICE_INCOMPLETE,
            f"一次性告知须列明全部欠缺材料,尚未列入:{', '.join(omitted)}",
            "entries",
        )
    at = now.isoformat(timespec="seconds")
    notice = OneTimeNotice(
        case.round, tuple(filled), _text(procedure, Code.REASON_REQUIRED, "请说明补正程序", "procedure"), who, at
    )
    noticed = replace(
        case,
        state=State.NOTICE_ISSUED,
        first_contact_officer=_first_contact(case, who),
        notices=(*case.notices, notice),
    )
    return _move(case, noticed, "issue_notice", actor, at, f"一次性告知{len(filled)}项")


def supplement(
    case: Application,
    actor: Principal,
    now: datetime,
    materials: tuple[SubmittedMaterial, ...],
    form_data: Mapping[str, object] | None = None,
) -> Transition:
    """The applicant supplies materials after a notice (a new submission) or for a pledge.

    Under a pledge only the pledged materials may be supplied: what was reviewed stays as reviewed.
    A pledge past due (credit default recorded) can still be honoured late, so the case can end.
    A 补正 after a notice may also carry corrected form answers (`form_data`, the whole form),
    checked like at filing; the answers replaced are kept (`form_history`).
    """
    who = _require_role(actor, Role.APPLICANT, Role.AGENT)
    if who not in {case.applicant.id, case.filed_by}:
        raise _fail(Code.FORBIDDEN, "只能补正本人的办件")
    if not materials and form_data is None:
        raise _fail(Code.NOTHING_TO_SUPPLEMENT, "请至少提交一份材料或更正后的申请表", "materials")
    if form_data is not None and case.state is not State.NOTICE_ISSUED:
        raise _fail(FormCode.FORM_CORRECTION_NOT_ALLOWED, "只有按一次性告知书补正时可以更正申请表", "formData")
    at = now.isoformat(timespec="seconds")
    problems: list[Violation] = []
    try:
        _check_materials(case.item, materials, "materials")
    except DomainError as error:
        problems += error.violations
    answers, history = case.form_data, case.form_history
    if form_data is not None:
        try:
            answers, history = correct_answers(
                case.item.elements.form, case.form_data, case.form_history, form_data, case.round, at, who
            )
        except DomainError as error:
            problems += error.violations
    if problems:  # every problem of the materials and of the form at once; nothing is written
        raise DomainError(problems)
    if case.state is State.NOTICE_ISSUED:
        merged = {m.code: m for m in case.materials}
        merged.update({m.code: replace(m, round=case.round + 1) for m in materials})
        resubmitted = replace(
            case,
            state=State.SUBMITTED,
            round=case.round + 1,
            materials=tuple(merged.values()),
            submitted_on=china_date(now),
            form_data=answers,
            form_history=history,
        )
        corrected = "并更正申请表" if form_data is not None else ""
        return _move(case, resubmitted, "supplement", actor, at, f"按告知书补正材料{corrected},重新提交")
    pledge = case.pledge
    if case.state in PLEDGE_STATES and pledge and pledge.status in (PledgeStatus.OPEN, PledgeStatus.BROKEN):
        for i, material in enumerate(materials):
            if material.code not in pledge.material_codes:
                raise _fail(
                    Code.NOT_PLEDGED,
                    f"材料{material.code}不在容缺承诺范围内,不能替换已审查的材料",
                    f"materials[{i}].code",
                )
        merged = {m.code: m for m in case.materials}
        merged.update({m.code: replace(m, round=case.round) for m in materials})
        updated = replace(case, materials=tuple(merged.values()))
        if not set(pledge.material_codes) - updated.material_codes():
            done = PledgeStatus.FULFILLED if pledge.status is PledgeStatus.OPEN else PledgeStatus.FULFILLED_LATE
            review = close_review(case.revocation_review, ReviewOutcome.SUPPLIED_LATE, at)
            updated = replace(updated, pledge=replace(pledge, status=done, settled_at=at), revocation_review=review)
        return _move(case, updated, "supplement", actor, at, "按信用承诺补齐容缺材料")
    raise _fail(Code.ILLEGAL_TRANSITION, "当前办件无需补正材料")


def withdraw(case: Application, actor: Principal, now: datetime, reason: str) -> Transition:
    """Before the decision is final. A refusal awaiting the supervisor is not final (the applicant
    has not been told), so withdrawing then closes the pending report as withdrawn."""
    who = _require_role(actor, Role.APPLICANT, Role.AGENT)
    if who not in {case.applicant.id, case.filed_by}:
        raise _fail(Code.FORBIDDEN, "只能撤回本人的办件")
    _require_state(case, State.SUBMITTED, State.NOTICE_ISSUED, State.IN_REVIEW, State.REJECTION_REPORTED)
    at = now.isoformat(timespec="seconds")
    reports = tuple(
        replace(r, status=ReportStatus.WITHDRAWN, resolved_at=at) if r.status is ReportStatus.PENDING else r
        for r in case.reports
    )
    withdrawn = replace(case, state=State.WITHDRAWN, reports=reports)
    return _move(case, withdrawn, "withdraw", actor, at, reason.strip() or "申请人撤回")


def review(case: Application, actor: Principal, now: datetime, opinion: Opinion, text: str) -> Transition:
    """A reviewer of a department with an open task gives its opinion."""
    who = _require_role(actor, Role.REVIEWER)
    _require_state(case, State.IN_REVIEW)
    _require_not_acceptor(case, who)
    index = next((i for i, t in enumerate(case.tasks) if t.department_id == actor.department_id), None)
    if index is None:
        raise _fail(Code.OUTSIDE_DEPARTMENT, "本部门没有该办件的审查任务")
    task = case.tasks[index]
    if task.status is not TaskStatus.OPEN:
        raise _fail(Code.TASK_CLOSED, "本部门已出具审查意见")
    at = now.isoformat(timespec="seconds")
    status = TaskStatus.AGREED if opinion is Opinion.AGREE else TaskStatus.OBJECTED
    done = replace(
        task,
        status=status,
        reviewer_id=who,
        opinion=_text(text, Code.REASON_REQUIRED, "请填写审查意见", "opinion"),
        concluded_at=at,
    )
    tasks = (*case.tasks[:index], done, *case.tasks[index + 1 :])
    return _move(case, replace(case, tasks=tasks), "review", actor, at, f"{task.role.value}:{status.value}")


def deem_consent(case: Application, department_id: str, now: datetime) -> Transition:
    """缺席默认: a co-reviewer silent past its deadline is taken as agreeing (sweep only)."""
    _require_state(case, State.IN_REVIEW)
    index = next(i for i, t in enumerate(case.tasks) if t.department_id == department_id)
    task = case.tasks[index]
    if task.status is not TaskStatus.OPEN or task.role is not TaskRole.CO:
        raise _fail(Code.TASK_CLOSED, "该审查任务已结束")
    at = now.isoformat(timespec="seconds")
    done = replace(task, status=TaskStatus.DEEMED_CONSENT, opinion="逾期未出具意见,视为同意", concluded_at=at)
    tasks = (*case.tasks[:index], done, *case.tasks[index + 1 :])
    return _move(
        case,
        replace(case, tasks=tasks),
        "deem_consent",
        None,
        at,
        f"协办部门{department_id}逾期,缺席默认",
        Effect("violation", department_id, "co_reviewer_absent"),
    )


def start_special_step(
    case: Application, actor: Principal, now: datetime, kind: SpecialStepKind, note: str
) -> Transition:
    who = _require_role(actor, Role.REVIEWER, Role.APPROVER)
    _require_state(case, State.IN_REVIEW)
    _require_department(actor, case.lead_department_id)
    if kind is SpecialStepKind.REFERRAL_UPWARD:
        raise _fail(Code.REFERRAL_STEP, "上报上级机关审批请登记上报件", "kind")
    defined = next((s for s in case.item.elements.special_steps if s.kind is kind), None)
    if defined is None:
        raise _fail(Code.SPECIAL_STEP_NOT_DEFINED, "该事项未设置此特别程序", "kind")
    if case.running_step(kind) is not None:
        raise _fail(Code.SPECIAL_STEP_RUNNING, "该特别程序正在进行中", "kind")
    run = SpecialStepRun(kind, defined.name, defined.counts_toward_limit, china_date(now), who, note=note.strip())
    reason = f"启动{defined.name}" + ("" if defined.counts_toward_limit else "(不计入办理时限,计时暂停)")
    return _move(
        case,
        replace(case, special_steps=(*case.special_steps, run)),
        "start_special_step",
        actor,
        now.isoformat(timespec="seconds"),
        reason,
    )


def end_special_step(
    case: Application, actor: Principal, now: datetime, kind: SpecialStepKind, note: str
) -> Transition:
    _require_role(actor, Role.REVIEWER, Role.APPROVER)
    _require_state(case, State.IN_REVIEW)
    _require_department(actor, case.lead_department_id)
    if kind is SpecialStepKind.REFERRAL_UPWARD:
        raise _fail(Code.REFERRAL_STEP, "上报件的结果请通过上报结果登记录入", "kind")
    running = case.running_step(kind)
    if running is None:
        raise _fail(Code.SPECIAL_STEP_NOT_RUNNING, "该特别程序未在进行", "kind")
    ended = replace(running, ended_on=china_date(now), note=(running.note + " " + note.strip()).strip())
    steps = tuple(ended if s is running else s for s in case.special_steps)
    return _move(
        case,
        replace(case, special_steps=steps),
        "end_special_step",
        actor,
        now.isoformat(timespec="seconds"),
        f"结束{running.name}",
    )


def record_meeting(
    case: Application,
    actor: Principal,
    now: datetime,
    kind: MeetingKind,
    held_on: date,
    opinions: tuple[DepartmentOpinion, ...],
) -> Transition:
    """联合踏勘/联合会审, with each participating department's opinion (the lead records it)."""
    who = _require_role(actor, Role.REVIEWER, Role.APPROVER)
    _require_state(case, State.IN_REVIEW)
    _require_department(actor, case.lead_department_id)
    involved = {t.department_id for t in case.tasks}
    if not opinions:
        raise _fail(Code.REASON_REQUIRED, "请记录各部门意见", "opinions")
    if len({op.department_id for op in opinions}) != len(opinions):
        raise _fail(Code.DUPLICATE, "每个部门只记录一条意见", "opinions")
    for i, op in enumerate(opinions):
        if op.department_id not in involved:
            raise _fail(Code.OUTSIDE_DEPARTMENT, "参会部门须为本件的审查部门", f"opinions[{i}].departmentId")
        _text(op.opinion, Code.REASON_REQUIRED, "部门意见不能为空", f"opinions[{i}].opinion")
    if held_on > china_date(now):
        raise _fail(Code.OUT_OF_RANGE, "会议日期不能晚于今天", "heldOn")
    meeting = Meeting(kind, held_on, opinions, who)
    label = "联合踏勘" if kind is MeetingKind.JOINT_INSPECTION else "联合会审"
    return _move(
        case,
        replace(case, meetings=(*case.meetings, meeting)),
        "record_meeting",
        actor,
        now.isoformat(timespec="seconds"),
        f"记录{label}",
    )


def grant_extension(case: Application, actor: Principal, now: datetime, days: int, reason: str) -> Transition:
    who = _require_role(actor, Role.SUPERVISOR)
    _require_state(case, State.IN_REVIEW)
    if not 1 <= days <= 60:
        raise _fail(Code.OUT_OF_RANGE, "延期天数应在1至60个工作日之间", "days")
    text = _text(reason, Code.REASON_REQUIRED, "延期须说明理由", "reason")
    at = now.isoformat(timespec="seconds")
    extended = replace(case, extensions=(*case.extensions, Extension(days, text, who, at)))
    return _move(case, extended, "grant_extension", actor, at, f"延期{days}个工作日:{text}")


def decide(
    case: Application, actor: Principal, now: datetime, outcome: Outcome, reason: str, legal_basis: str
) -> Transition:
    """An approver of the lead department decides; a refusal first goes to a supervisor."""
    who = _require_role(actor, Role.APPROVER)
    _require_state(case, State.IN_REVIEW)
    _require_department(actor, case.lead_department_id)
    _require_not_acceptor(case, who)
    open_tasks = [t.department_id for t in case.tasks if t.status is TaskStatus.OPEN]
    if open_tasks:
        raise _fail(Code.REVIEW_PENDING, f"尚有部门未出具审查意见:{', '.join(open_tasks)}")
    at = now.isoformat(timespec="seconds")
    text = _text(reason, Code.REASON_REQUIRED, "请填写决定理由", "reason")
    if outcome is Outcome.APPROVED:
        approved = replace(
            case, state=State.APPROVED, decision=Decision(Outcome.APPROVED, who, at, text, legal_basis.strip())
        )
        pledged = case.pledge_approval
        if pledged is not None and pledged.status is PledgeApprovalStatus.PLEDGED:  # 告知承诺: verify next
            opened = replace(pledged, status=PledgeApprovalStatus.VERIFYING, approved_on=china_date(now))
            approved = replace(approved, pledge_approval=opened)
        return _move(case, approved, "approve", actor, at, text)
    basis = _text(legal_basis, Code.LEGAL_BASIS_REQUIRED, "不予许可须写明法律依据", "legalBasis")
    report = RejectionReport(text, basis, who, at)
    reported = replace(case, state=State.REJECTION_REPORTED, reports=(*case.reports, report))
    return _move(case, reported, "report_rejection", actor, at, f"拟不予许可,报备审查:{text}")


def confirm_rejection(case: Application, actor: Principal, now: datetime, note: str) -> Transition:
    """The supervisor confirms: the refusal stands and the applicant is told in writing."""
    who = _require_role(actor, Role.SUPERVISOR)
    _require_state(case, State.REJECTION_REPORTED)
    report = case.pending_report()
    assert report is not None
    at = now.isoformat(timespec="seconds")
    resolved = replace(
        report, status=ReportStatus.CONFIRMED, supervisor_id=who, supervisor_note=note.strip(), resolved_at=at
    )
    reports = tuple(resolved if r is report else r for r in case.reports)
    decision = Decision(Outcome.REJECTED, report.reported_by, at, report.reason, report.legal_basis)
    rejected = replace(case, state=State.REJECTED, reports=reports, decision=decision)
    return _move(
        case, rejected, "confirm_rejection", actor, at, f"不予许可。理由:{report.reason};依据:{report.legal_basis}"
    )


def correct_rejection(case: Application, actor: Principal, now: datetime, note: str) -> Transition:
    """The supervisor corrects a wrong refusal: the case goes back to review."""
    who = _require_role(actor, Role.SUPERVISOR)
    _require_state(case, State.REJECTION_REPORTED)
    report = case.pending_report()
    assert report is not None
    text = _text(note, Code.REASON_REQUIRED, "纠正须说明理由", "note")
    at = now.isoformat(timespec="seconds")
    resolved = replace(report, status=ReportStatus.CORRECTED, supervisor_id=who, supervisor_note=text, resolved_at=at)
    reports = tuple(resolved if r is report else r for r in case.reports)
    back = replace(case, state=State.IN_REVIEW, reports=reports)
    return _move(
        case,
        back,
        "correct_rejection",
        actor,
        at,
        f"否认报备被纠正:{text}",
        Effect("violation", case.lead_department_id, "rejection_corrected"),
    )


# --- refusal at intake (不予受理) and its 否认报备: rules in domain/intake_refusal.py --------------


def refuse_at_intake(
    case: Application,
    actor: Principal,
    now: datetime,
    ground: RefusalGround,
    reason: str,
    legal_basis: str,
    competent_agency: str,
    objection_due_on: date,
) -> Transition:
    """A clerk refuses a submission in writing (art. 32, 38); only before it is accepted."""
    who = _require_role(actor, Role.CLERK)
    if case.accepted_on is not None or case.state in (State.APPROVED, State.REJECTED):
        raise _fail(Code.ALREADY_ACCEPTED, "办件已受理,不能再作出不予受理决定", "id")
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    problems = check_refusal(ground, reason, legal_basis, competent_agency)
    if problems:
        raise DomainError(problems)
    at = now.isoformat(timespec="seconds")
    refusal = IntakeRefusal(
        ground,
        reason.strip(),
        legal_basis.strip(),
        competent_agency.strip(),
        who,
        actor.department_id or "",
        at,
        objection_due_on,
    )
    refused = replace(
        case,
        state=State.INTAKE_REFUSED,
        first_contact_officer=_first_contact(case, who),
        intake_refusals=(*case.intake_refusals, refusal),
    )
    return _move(case, refused, "refuse_intake", actor, at, f"不予受理:{refusal.reason};依据:{refusal.legal_basis}")


def _open_refusal(case: Application) -> IntakeRefusal:
    assert case.intake_refusals
    return case.intake_refusals[-1]


def object_to_intake_refusal(case: Application, actor: Principal, now: datetime, objection: str) -> Transition:
    """The applicant objects within the deadline: the refusal is filed to the unit leader."""
    who = _require_role(actor, Role.APPLICANT, Role.AGENT)
    if who not in {case.applicant.id, case.filed_by}:
        raise _fail(Code.FORBIDDEN, "只能对本人的办件提出异议")
    if case.state is State.INTAKE_REFUSAL_REPORTED or (
        case.state is State.INTAKE_REFUSED and _open_refusal(case).status is not RefusalStatus.ISSUED
    ):
        raise _fail(Code.ALREADY_OBJECTED, "已对该不予受理决定提出过异议", "id")
    _require_state(case, State.INTAKE_REFUSED)
    refusal = _open_refusal(case)
    if china_date(now) > refusal.objection_due_on:
        raise _fail(Code.OBJECTION_LATE, f"提出异议的期限已于{refusal.objection_due_on.isoformat()}届满", "id")
    text = _text(objection, Code.REASON_REQUIRED, "请写明异议理由", "objection")
    at = now.isoformat(timespec="seconds")
    filed = replace(refusal, status=RefusalStatus.OBJECTED, objection=text, objected_at=at)
    reported = replace(case, state=State.INTAKE_REFUSAL_REPORTED, intake_refusals=(*case.intake_refusals[:-1], filed))
    return _move(case, reported, "object_intake_refusal", actor, at, f"申请人提出异议,否认报备:{text}")


def _rule_on_refusal(case: Application, actor: Principal, is_leader: bool, note: str, needs_note: bool) -> str:
    who = _require_role(actor, Role.APPROVER, Role.SUPERVISOR)
    _require_state(case, State.INTAKE_REFUSAL_REPORTED)
    if not is_leader:
        raise _fail(Code.NOT_UNIT_LEADER, "只有经办人所在单位的领导可以审查否认报备", "id")
    if needs_note:
        _text(note, Code.REASON_REQUIRED, "纠正须说明理由", "note")
    elif len(note.strip()) > MAX_TEXT:
        raise _fail(Code.OUT_OF_RANGE, f"内容不能超过{MAX_TEXT}个字符", "note")
    return who


def confirm_intake_refusal(
    case: Application, actor: Principal, now: datetime, note: str, is_leader: bool
) -> Transition:
    """The leader signs the refusal off; the applicant is told in writing (the decision again)."""
    who = _rule_on_refusal(case, actor, is_leader, note, needs_note=False)
    at = now.isoformat(timespec="seconds")
    refusal = replace(
        _open_refusal(case), status=RefusalStatus.CONFIRMED, leader_id=who, leader_note=note.strip(), resolved_at=at
    )
    confirmed = replace(case, state=State.INTAKE_REFUSED, intake_refusals=(*case.intake_refusals[:-1], refusal))
    return _move(case, confirmed, "confirm_intake_refusal", actor, at, "否认报备经单位领导审查,维持不予受理决定")


def correct_intake_refusal(
    case: Application, actor: Principal, now: datetime, note: str, is_leader: bool
) -> Transition:
    """The leader finds the refusal wrong: the case returns to intake (its 5-day clock restarts
    today) and the refusal counts against the clerk and their department."""
    who = _rule_on_refusal(case, actor, is_leader, note, needs_note=True)
    at = now.isoformat(timespec="seconds")
    refusal = replace(
        _open_refusal(case), status=RefusalStatus.CORRECTED, leader_id=who, leader_note=note.strip(), resolved_at=at
    )
    back = replace(
        case,
        state=State.SUBMITTED,
        submitted_on=china_date(now),
        intake_refusals=(*case.intake_refusals[:-1], refusal),
    )
    return _move(
        case,
        back,
        "correct_intake_refusal",
        actor,
        at,
        f"否认报备经单位领导审查予以纠正,退回受理:{note.strip()}",
        Effect("violation", refusal.department_id or case.centre_id, "intake_refusal_corrected"),
    )


# --- approval on pledge (告知承诺制): rules in domain/approval_on_pledge.py -------------------------


def issue_pledge_notice(case: Application, actor: Principal, now: datetime, barred: bool) -> Transition:
    """The window gives the written notice of the conditions and of the liability for a false pledge."""
    who = _require_role(actor, Role.CLERK)
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    terms = case.item.elements.approval_on_pledge
    problems = []
    if terms is None:
        problems.append(Violation(Code.PLEDGE_NOT_ALLOWED, "该事项未实行告知承诺制", "id"))
    if barred:
        problems.append(Violation(Code.CREDIT_DEFAULT, "申请人存在未消除的失信记录,不适用告知承诺制", "applicant"))
    if problems:
        raise DomainError(problems)
    assert terms is not None
    at = now.isoformat(timespec="seconds")
    e = case.item.elements
    approval = PledgeApproval(
        notice_text(e.name, e.conditions, terms.verification_days, terms.liability),
        who,
        at,
        terms.verification_days,
        terms.bar_days,
    )
    noticed = replace(case, first_contact_officer=_first_contact(case, who), pledge_approval=approval)
    return _move(case, noticed, "issue_pledge_notice", actor, at, "出具告知承诺书面告知")


def sign_pledge(case: Application, actor: Principal, now: datetime, barred: bool) -> Transition:
    """The applicant pledges in writing: accepted on the pledge, straight to the decision (no
    substantive review by departments: the pledge stands in for it)."""
    who = _require_role(actor, Role.APPLICANT, Role.AGENT)
    if who not in {case.applicant.id, case.filed_by}:
        raise _fail(Code.FORBIDDEN, "只能为本人的办件作出承诺")
    _require_state(case, State.SUBMITTED)
    approval = case.pledge_approval
    if approval is None or approval.status is not PledgeApprovalStatus.NOTIFIED:
        raise _fail(Code.PLEDGE_NOT_NOTIFIED, "窗口尚未出具告知承诺书面告知", "id")
    if barred:
        raise _fail(Code.CREDIT_DEFAULT, "申请人存在未消除的失信记录,不适用告知承诺制", "applicant")
    at = now.isoformat(timespec="seconds")
    today = china_date(now)
    accepted = replace(
        case,
        state=State.IN_REVIEW,
        accepted_by=approval.notified_by,
        accepted_on=today,
        review_opened_on=today,
        tasks=(),
        pledge_approval=replace(approval, status=PledgeApprovalStatus.PLEDGED, pledged_at=at),
    )
    return _move(case, accepted, "accept_on_pledge", actor, at, "申请人书面承诺符合条件,依承诺受理")


def verify_pledge(case: Application, actor: Principal, now: datetime, truthful: bool, findings: str) -> Transition:
    """The supervising department verifies the pledge after approval; a false one is a serious
    credit record (the service revokes the certificate and bars the applicant in the same
    transaction)."""
    who = _require_role(actor, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR)
    supervising = case.item.elements.effective_supervising_department_id
    if not actor.has_any(Role.SUPERVISOR):
        _require_department(actor, supervising)
    approval = case.pledge_approval
    if case.state is not State.APPROVED or approval is None or approval.status is not PledgeApprovalStatus.VERIFYING:
        raise _fail(Code.NOT_VERIFYING, "该办件没有待核查的告知承诺", "id")
    text = _text(findings, Code.FINDINGS_REQUIRED, "请填写核查情况", "findings")
    at = now.isoformat(timespec="seconds")
    status = PledgeApprovalStatus.VERIFIED if truthful else PledgeApprovalStatus.FALSE
    done = replace(approval, status=status, verified_by=who, verified_at=at, findings=text)
    verified = replace(case, pledge_approval=done)
    if truthful:
        return _move(case, verified, "verify_pledge", actor, at, f"告知承诺核查属实:{text}")
    return _move(case, verified, "pledge_false", actor, at, f"告知承诺核查不实,撤销许可并记入严重失信:{text}")


def pledge_verification_overdue(case: Application, now: datetime) -> Transition:
    """The verification deadline passed (sweep only): the supervising department is charged once."""
    approval = case.pledge_approval
    if approval is None or approval.status is not PledgeApprovalStatus.VERIFYING or approval.verification_overdue:
        raise _fail(Code.NOT_VERIFYING, "该办件没有待核查的告知承诺")
    at = now.isoformat(timespec="seconds")
    late = replace(case, pledge_approval=replace(approval, verification_overdue=True))
    department = case.item.elements.effective_supervising_department_id
    return _move(
        case,
        late,
        "pledge_verification_overdue",
        None,
        at,
        "告知承诺核查超过期限",
        Effect("violation", department, "pledge_verification_overdue"),
    )


# --- immediate items decided at the window (seed 004 三(三); domain/window_authority.py) ----------


def decide_at_window(
    case: Application, actor: Principal, now: datetime, reason: str, legal_basis: str, authority: str | None
) -> Transition:
    """The clerk of an authorised post accepts and approves an immediate item in one step;
    `authority` is the label of the post's authority when the clerk's post holds one for this
    item (None otherwise). Separation of duties does not apply to authorised immediate items."""
    who = _require_role(actor, Role.CLERK)
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    problems = []
    if case.item.elements.kind is not ItemKind.IMMEDIATE:
        problems.append(Violation(Code.NOT_IMMEDIATE_ITEM, "只有即办件可以在窗口当场审批", "id"))
    elif authority is None:
        problems.append(Violation(Code.WINDOW_NOT_AUTHORISED, "该窗口未获授权审批此事项", "windowPostId"))
    missing = case.missing_materials()
    if missing:
        problems.append(
            Violation(Code.MATERIALS_INCOMPLETE, f"材料不全({', '.join(missing)}),不能当场审批", "materials")
        )
    if not reason.strip():
        problems.append(Violation(Code.REASON_REQUIRED, "请填写决定理由", "reason"))
    elif len(reason.strip()) > MAX_TEXT or len(legal_basis.strip()) > MAX_TEXT:
        problems.append(Violation(Code.OUT_OF_RANGE, f"内容不能超过{MAX_TEXT}个字符", "reason"))
    if problems:
        raise DomainError(problems)
    assert authority is not None
    at = now.isoformat(timespec="seconds")
    today = china_date(now)
    decided = replace(
        case,
        state=State.APPROVED,
        first_contact_officer=_first_contact(case, who),
        accepted_by=who,
        accepted_on=today,
        review_opened_on=today,
        decision=Decision(Outcome.APPROVED, who, at, reason.strip(), legal_basis.strip(), authority=authority),
    )
    return _move(case, decided, "decide_at_window", actor, at, f"窗口当场受理并审批:{reason.strip()}({authority})")


# --- emergency first handling (先予办理, seed 004 二(三)): rules in domain/emergency_handling.py ----


def authorise_emergency(
    case: Application,
    actor: Principal,
    now: datetime,
    reason: str,
    legal_basis: str,
    material_codes: tuple[str, ...],
    due_on: date,
    calendar: WorkingDayCalendar,
) -> Transition:
    """A supervisor lets an urgent submission be handled before its materials are complete; the
    follow-up is a pledge the sweep watches (warnings, then a credit record and a violation)."""
    who = _require_role(actor, Role.SUPERVISOR)
    _require_state(case, State.SUBMITTED)
    today = china_date(now)
    latest = calendar.add_working_days(today, case.item.elements.statutory_limit_days)
    missing = set(case.missing_materials())
    permitted = case.item.elements.emergency_handling
    problems = check_emergency(reason, legal_basis, material_codes, missing, due_on, today, latest, permitted)
    if problems:
        raise DomainError(problems)
    at = now.isoformat(timespec="seconds")
    codes = tuple(sorted(material_codes))
    accepted = replace(
        case,
        state=State.IN_REVIEW,
        accepted_by=who,
        accepted_on=today,
        review_opened_on=today,
        tasks=_open_tasks(case),
        pledge=CreditPledge(codes, due_on, PledgeStatus.OPEN, at),
        emergency=EmergencyAuthorisation(reason.strip(), legal_basis.strip(), codes, due_on, who, at),
    )
    return _move(
        case, accepted, "accept_emergency", actor, at, f"情况紧急,先予办理,{due_on.isoformat()}前补办:{reason.strip()}"
    )


# --- transitions the deadline sweep applies ----------------------------------------------------


def auto_accept(case: Application, now: datetime) -> Transition:
    """No notice within 5 working days: in law the case counts as accepted from its filing day,
    but the departments only receive it now, so their limits run from today (not backdated into
    deemed consent and a timeout in the same sweep); the window is charged with the violation."""
    _require_state(case, State.SUBMITTED)
    accepted = replace(
        case,
        state=State.IN_REVIEW,
        accepted_on=case.submitted_on,
        review_opened_on=china_date(now),
        deemed_accepted=True,
        tasks=_open_tasks(case),
    )
    return _move(
        case,
        accepted,
        "deemed_accept",
        None,
        now.isoformat(timespec="seconds"),
        "5个工作日内未告知补正,视为受理",
        Effect("violation", case.centre_id, "intake_overdue"),
    )


def apply_timeout(case: Application, now: datetime) -> Transition:
    """超时默认: the item's timeout rule when the promised limit passes undecided."""
    _require_state(case, State.IN_REVIEW)
    at = now.isoformat(timespec="seconds")
    rule = case.item.elements.timeout_rule
    department = case.lead_department_id
    if rule is TimeoutRule.DEEMED_APPROVAL and not case.missing_primary():
        decision = Decision(Outcome.APPROVED, SYSTEM, at, "承诺时限届满未作决定,视为同意", deemed=True)
        approved = replace(case, state=State.APPROVED, decision=decision, red_flag=True)
        return _move(
            case,
            approved,
            "deemed_approval",
            None,
            at,
            "超时默认:视为同意",
            Effect("violation", department, "overdue_decision"),
        )
    if case.red_flag:
        raise _fail(Code.ILLEGAL_TRANSITION, "已升级督办")
    flagged = replace(case, red_flag=True)
    return _move(
        case,
        flagged,
        "escalate",
        None,
        at,
        "超过承诺时限未办结,红牌督办",
        Effect("violation", department, "overdue_decision"),
    )


def break_pledge(case: Application, now: datetime) -> Transition:
    """A pledge past its due date unfulfilled becomes a credit default of the applicant."""
    if case.pledge is None or case.pledge.status is not PledgeStatus.OPEN:
        raise _fail(Code.ILLEGAL_TRANSITION, "无待履行的信用承诺")
    at = now.isoformat(timespec="seconds")
    broken = replace(case, pledge=replace(case.pledge, status=PledgeStatus.BROKEN, settled_at=at))
    issued_on_pledge = case.pledge.mode is DeficiencyMode.SAME_DAY and case.certificate_id is not None
    if issued_on_pledge and case.certificate_id is not None:  # 容缺后补: the certificate goes under review
        broken = replace(broken, revocation_review=open_review(case.certificate_id, case.pledge.due_on, at))
    effects = [Effect("credit_default", case.applicant.id, f"pledge {case.id}")]
    if case.emergency is not None:  # 先予办理: the follow-up was missed
        effects.append(Effect("violation", case.lead_department_id, "emergency_follow_up_missed"))
    return _move(
        case,
        broken,
        "pledge_broken",
        None,
        at,
        ("信用承诺到期未补齐材料,记入失信记录" if case.emergency is None else "先予办理后未按期补办手续,记入失信记录")
        + (",证照转入撤销审查" if issued_on_pledge else ""),
        *effects,
    )


def record_issuance(
    case: Application, actor: Principal, now: datetime, certificate_id: str, number: str, reissue: bool
) -> Transition:
    """The bureau issued (or re-issued) the case's certificate: it joins the case's history."""
    action, reason = (
        ("reissue_certificate", f"更正换发证照{number}") if reissue else ("issue_certificate", f"制发证照{number}")
    )
    return _move(
        case, replace(case, certificate_id=certificate_id), action, actor, now.isoformat(timespec="seconds"), reason
    )


def record_certificate_event(
    case: Application, actor: Principal, now: datetime, action: str, reason: str
) -> Transition:
    """Delivery or revocation of the case's certificate, in the case's audit trail."""
    return _move(case, case, action, actor, now.isoformat(timespec="seconds"), reason)
