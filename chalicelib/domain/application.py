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

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from chalicelib.domain.audit import Event, make_event
from chalicelib.domain.catalogue import ItemKind, ItemStatus, MaterialKind, ServiceItem, SpecialStepKind, TimeoutRule
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
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


OPEN_STATES = frozenset({State.SUBMITTED, State.NOTICE_ISSUED, State.IN_REVIEW, State.REJECTION_REPORTED})
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
    warned: tuple[str, ...] = ()  # deadlines (supervision keys) that already had a yellow warning
    events: int = 0
    last_hash: str = "0" * 64

    @property
    def lead_department_id(self) -> str:
        return self.item.elements.department_id

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def material_codes(self) -> set[str]:
        return {m.code for m in self.materials}

    def missing_materials(self) -> list[str]:
        present = self.material_codes()
        return [m.code for m in self.item.elements.materials if m.code not in present]

    def missing_primary(self) -> list[str]:
        present = self.material_codes()
        return [
            m.code for m in self.item.elements.materials if m.kind is MaterialKind.PRIMARY and m.code not in present
        ]

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
            and (self.pledge is None or self.pledge.status in SETTLED_PLEDGE)
            and not self.missing_primary()
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
    limit = case.item.elements.promised_limit_days + sum(e.days for e in case.extensions)
    return calendar.deadline(start, limit, case.pauses(calendar, today), today=today)


def task_deadline(case: Application, task: ReviewTask, calendar: WorkingDayCalendar, today: date) -> date | None:
    """A reviewing department's own limit runs from when its task opened, paused like the case."""
    start = case.clock_start
    if start is None:
        return None
    limit = task.limit_days + sum(e.days for e in case.extensions)
    return calendar.deadline(start, limit, case.pauses(calendar, today), today=today)


def intake_deadline(case: Application, calendar: WorkingDayCalendar) -> date:
    """The day after which an un-noticed submission counts as accepted."""
    return calendar.add_working_days(case.submitted_on, AUTO_ACCEPT_WORKING_DAYS)


def working_days_left(case: Application, calendar: WorkingDayCalendar, today: date) -> int | None:
    start = case.clock_start
    if start is None or not case.is_open:
        return None
    limit = case.item.elements.promised_limit_days + sum(e.days for e in case.extensions)
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
    event = make_event(
        case.last_hash, case.events + 1, at, action, who, role, case.state.value, to.state.value, reason, post
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
) -> Transition:
    """File for the current published version (by the applicant, an authorised agent or a clerk)."""
    who = _require_role(actor, Role.APPLICANT, Role.AGENT, Role.CLERK)
    if item.status is not ItemStatus.PUBLISHED:
        raise _fail(Code.ITEM_NOT_PUBLISHED, "该事项已取消或合并,不能申请", "itemId")
    if centre_id not in item.centre_ids:
        raise _fail(Code.ITEM_NOT_AT_CENTRE, "该中心不办理此事项", "centreId")
    if actor.has_any(Role.CLERK):
        _require_centre(centre_id, actor)
    elif actor.has_any(Role.AGENT) and applicant.id != who:
        if not agent_authorised:
            raise _fail(Code.NOT_AUTHORISED_AGENT, "代办员未获得申请人授权", "applicant")
    elif applicant.id != who:
        raise _fail(Code.FORBIDDEN, "只能为本人提出申请", "applicant")
    _text(applicant.name, Code.OUT_OF_RANGE, "申请人姓名不能为空", "applicant.name")
    _text(applicant.identifier, Code.OUT_OF_RANGE, "申请人证件号码不能为空", "applicant.identifier")
    _check_materials(item, materials, "materials")
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
        first_contact_officer=who if actor.has_any(Role.CLERK) else None,
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
    )
    return Transition(replace(draft, events=1, last_hash=event.hash), event)


def _first_contact(case: Application, actor_id: str) -> str:
    return case.first_contact_officer or actor_id


def _open_tasks(case: Application) -> tuple[ReviewTask, ...]:
    e = case.item.elements
    if e.kind is ItemKind.IMMEDIATE:
        return ()  # decided at the window, no department review
    lead = ReviewTask(e.department_id, TaskRole.LEAD, e.promised_limit_days)
    return (lead, *(ReviewTask(c.department_id, TaskRole.CO, c.limit_days) for c in e.co_reviewers))


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
) -> Transition:
    """容缺受理: only secondary materials may be missing, under a pledge due within the limit."""
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
    today = china_date(now)
    if pledge_due <= today:
        raise _fail(Code.PLEDGE_IN_PAST, "承诺补正日期须晚于今天", "pledgeDueOn")
    limit_end = calendar.add_working_days(today, case.item.elements.promised_limit_days)
    if pledge_due > limit_end:
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
        pledge=CreditPledge(tuple(sorted(missing_codes)), pledge_due, PledgeStatus.OPEN, at),
    )
    return _move(case, accepted, "accept_with_deficiency", actor, at, f"容缺受理,承诺{pledge_due.isoformat()}前补齐")


def issue_notice(
    case: Application, actor: Principal, now: datetime, entries: tuple[NoticeEntry, ...], procedure: str
) -> Transition:
    """一次性告知: one notice per submission, listing everything at once."""
    who = _require_role(actor, Role.CLERK)
    if case.state is State.NOTICE_ISSUED or any(n.round == case.round for n in case.notices):
        raise _fail(Code.NOTICE_ALREADY_ISSUED, "本次提交已出具过一次性告知书,不得再次告知")
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    if not entries:
        raise _fail(Code.NOTICE_EMPTY, "告知书至少列明一项需补正的材料", "entries")
    materials = {m.code: m for m in case.item.elements.materials}
    filled: list[NoticeEntry] = []
    for i, entry in enumerate(entries):
        material = materials.get(entry.material_code)
        if material is None:
            raise _fail(Code.UNKNOWN_MATERIAL, f"材料{entry.material_code}不属于该事项", f"entries[{i}].materialCode")
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
        if new:
            raise _fail(
                Code.NOTICE_NEW_DEMAND,
                f"一次性告知后不得提出新的补正要求:{', '.join(new)}未在首次告知中列明",
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
    case: Application, actor: Principal, now: datetime, materials: tuple[SubmittedMaterial, ...]
) -> Transition:
    """The applicant supplies materials after a notice (a new submission) or for a pledge.

    Under a pledge only the pledged materials may be supplied: what was reviewed stays as reviewed.
    A pledge past due (credit default recorded) can still be honoured late, so the case can end.
    """
    who = _require_role(actor, Role.APPLICANT, Role.AGENT)
    if who not in {case.applicant.id, case.filed_by}:
        raise _fail(Code.FORBIDDEN, "只能补正本人的办件")
    if not materials:
        raise _fail(Code.NOTHING_TO_SUPPLEMENT, "请至少提交一份材料", "materials")
    _check_materials(case.item, materials, "materials")
    at = now.isoformat(timespec="seconds")
    if case.state is State.NOTICE_ISSUED:
        merged = {m.code: m for m in case.materials}
        merged.update({m.code: replace(m, round=case.round + 1) for m in materials})
        resubmitted = replace(
            case,
            state=State.SUBMITTED,
            round=case.round + 1,
            materials=tuple(merged.values()),
            submitted_on=china_date(now),
        )
        return _move(case, resubmitted, "supplement", actor, at, "按告知书补正材料,重新提交")
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
            updated = replace(updated, pledge=replace(pledge, status=done, settled_at=at))
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
    return _move(
        case,
        broken,
        "pledge_broken",
        None,
        at,
        "信用承诺到期未补齐材料,记入失信记录",
        Effect("credit_default", case.applicant.id, f"pledge {case.id}"),
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
