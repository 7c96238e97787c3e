"""Electronic supervision (电子监察, seeds 001 and 004): deadline warnings and the violation ledger.

Every open deadline of a case (the promised limit, each co-reviewer's limit, a credit pledge's
due date) and every rectification task gets a yellow warning a configurable number of working
days before it falls due and a red one when it passes. A warning is stored once per deadline
and level, and goes to the responsible department (its staff see it in their feed) and the
department head. A yellow warning nobody acknowledged before the deadline passed is itself a
violation (ignored warning).

Seed 004 四、1: a department's first violation in a year earns a notice of criticism (通报批评),
the second and later ones flag the department in the year's evaluation (年度目标考核一票否决).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, State, TaskStatus
from chalicelib.domain.approval_on_pledge import is_open_verification, verification_due
from chalicelib.domain.errors import DomainError
from chalicelib.domain.working_days import WorkingDayCalendar


class WarningLevel(StrEnum):
    YELLOW = "yellow"  # 黄牌预警: the deadline is near
    RED = "red"  # 红牌: the deadline passed


class DeadlineKind(StrEnum):
    PROMISED = "promised"  # the item's promised limit (lead department)
    CO_REVIEW = "co_review"  # a co-reviewing department's own limit
    PLEDGE = "pledge"  # the applicant's credit pledge (容缺后补)
    RECTIFICATION = "rectification"  # fixing what a bad rating complained about
    RECTIFICATION_OPINION = "rectification_opinion"  # 整改意见 of a city counterpart (seed 003 二(六))
    RECTIFICATION_LETTER = "rectification_letter"  # 整改意见书 the receiving centre must answer
    REFERRAL = "referral"  # 上报件: the higher authority's expected duration (seed 004 三级联动)
    HANDOVER = "handover"  # 配套服务移交 of a delegated power (seed 003 二(二)3)
    PLEDGE_VERIFICATION = "pledge_verification"  # 告知承诺: verifying the pledge after approval


class WarningSubjectKind(StrEnum):
    """What a warning is about: its `subject_id` names a case, a counterpart inspection (whose
    rectification opinion or letter is due) or a handover of a delegated power."""

    APPLICATION = "application"
    OVERSIGHT_INSPECTION = "oversight_inspection"
    HANDOVER = "handover"


_SUBJECT_OF = {
    DeadlineKind.RECTIFICATION_OPINION: WarningSubjectKind.OVERSIGHT_INSPECTION,
    DeadlineKind.RECTIFICATION_LETTER: WarningSubjectKind.OVERSIGHT_INSPECTION,
    DeadlineKind.HANDOVER: WarningSubjectKind.HANDOVER,
}


DEADLINE_LABEL = {
    DeadlineKind.PROMISED: "承诺办结时限",
    DeadlineKind.CO_REVIEW: "并联审查时限",
    DeadlineKind.PLEDGE: "容缺材料补齐期限",
    DeadlineKind.RECTIFICATION: "差评整改期限",
    DeadlineKind.RECTIFICATION_OPINION: "整改意见期限",
    DeadlineKind.RECTIFICATION_LETTER: "整改意见书答复期限",
    DeadlineKind.REFERRAL: "上报件预期办结时限",
    DeadlineKind.HANDOVER: "职权配套移交期限",
    DeadlineKind.PLEDGE_VERIFICATION: "告知承诺核查期限",
}


class ViolationKind(StrEnum):
    OVERDUE_DECISION = "overdue_decision"
    CO_REVIEWER_ABSENT = "co_reviewer_absent"
    REJECTION_CORRECTED = "rejection_corrected"
    INTAKE_OVERDUE = "intake_overdue"
    WARNING_IGNORED = "warning_ignored"
    RECTIFICATION_OVERDUE = "rectification_overdue"
    RECTIFICATION_OPINION_IGNORED = "rectification_opinion_ignored"  # seed 003 二(六): not rectified
    RECTIFICATION_LETTER_IGNORED = "rectification_letter_ignored"  # 整改意见书 left unanswered
    INTAKE_REFUSAL_CORRECTED = "intake_refusal_corrected"  # 否认报备 corrected: the clerk's wrong refusal
    PLEDGE_VERIFICATION_OVERDUE = "pledge_verification_overdue"  # 告知承诺 not verified in time
    EMERGENCY_FOLLOW_UP_MISSED = "emergency_follow_up_missed"  # 先予办理 not followed up in time


class Escalation(StrEnum):
    NOTICE = "notice"  # 第一次: 通报批评
    EVALUATION_FLAG = "evaluation_flag"  # 第二次起: 年度考核一票否决


def escalation_for(ordinal: int) -> Escalation:
    return Escalation.NOTICE if ordinal <= 1 else Escalation.EVALUATION_FLAG


@dataclass(frozen=True)
class Deadline:
    """One open deadline of a case, and who answers for it."""

    kind: DeadlineKind
    ref: str  # department id for co-review, "-" otherwise
    due_on: date
    department_id: str  # the responsible department ("" for the applicant's pledge)
    recipients: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.ref}:{self.due_on.isoformat()}"


def department_feed(department_id: str) -> str:
    """The recipient id of a department's shared feed (its staff read it)."""
    return f"department:{department_id}"


def _recipients(department_id: str, heads: dict[str, str]) -> tuple[str, ...]:
    head = heads.get(department_id)
    return (department_feed(department_id), head) if head else (department_feed(department_id),)


def case_deadlines(
    case: Application, calendar: WorkingDayCalendar, today: date, heads: dict[str, str]
) -> list[Deadline]:
    """The case's open deadlines now (the same ones the sweep enforces)."""
    out: list[Deadline] = []
    if case.state is State.IN_REVIEW:
        for task in case.tasks:
            if task.status is TaskStatus.OPEN and task.role is da.TaskRole.CO:
                due = da.task_deadline(case, task, calendar, today)
                assert due is not None
                out.append(
                    Deadline(
                        DeadlineKind.CO_REVIEW,
                        task.department_id,
                        due,
                        task.department_id,
                        _recipients(task.department_id, heads),
                    )
                )
        promised = da.promised_deadline(case, calendar, today)
        if promised is not None and not case.red_flag:
            lead = case.lead_department_id
            # The staff member answering for the decision: the lead reviewer once they reviewed.
            reviewer = next((t.reviewer_id for t in case.tasks if t.role is da.TaskRole.LEAD and t.reviewer_id), None)
            recipients = (*_recipients(lead, heads), *((reviewer,) if reviewer else ()))
            out.append(Deadline(DeadlineKind.PROMISED, "-", promised, lead, recipients))
    if case.state in da.PLEDGE_STATES and case.pledge and case.pledge.status is da.PledgeStatus.OPEN:
        who = tuple(x for x in (case.applicant.id, case.accepted_by) if x)
        out.append(Deadline(DeadlineKind.PLEDGE, "-", case.pledge.due_on, "", who))
    verifying = case.pledge_approval
    if case.state is State.APPROVED and verifying and is_open_verification(verifying):
        due = None if verifying.verification_overdue else verification_due(verifying, calendar)
        department = case.item.elements.effective_supervising_department_id
        if due is not None:
            recipients = _recipients(department, heads)
            out.append(Deadline(DeadlineKind.PLEDGE_VERIFICATION, "-", due, department, recipients))
    return out


def warn_on(due_on: date, lead_days: int, calendar: WorkingDayCalendar) -> date:
    """The working day `lead_days` working days before `due_on` (the day itself if 0)."""
    day, left = due_on, lead_days
    while left > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


@dataclass(frozen=True)
class SupervisionWarning:
    """A stored warning (one per deadline and level)."""

    subject_id: str  # the case (also for a rating's rectification), inspection or handover: see subject_kind
    tracking_code: str
    item_name: str
    kind: DeadlineKind
    ref: str
    level: WarningLevel
    due_on: date
    department_id: str
    recipients: tuple[str, ...]
    raised_at: str
    acknowledged_by: str | None = None
    acknowledged_at: str | None = None
    # The window post the work sits at (`<centre>/<post>`), when it sits at one: the warning goes
    # to whoever holds the post (the AB backup while A is away) and a yellow one enters its worklist.
    post_ref: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.ref}:{self.due_on.isoformat()}:{self.level.value}"

    @property
    def subject_kind(self) -> WarningSubjectKind:
        """Follows from the deadline: a rectification demand's warning is about its inspection, a
        handover part's about the handover, every other about a case."""
        return _SUBJECT_OF.get(self.kind, WarningSubjectKind.APPLICATION)

    @property
    def title(self) -> str:
        label = DEADLINE_LABEL[self.kind]
        if self.level is WarningLevel.YELLOW:
            return f"黄牌预警:{self.item_name}({self.tracking_code})将于{self.due_on.isoformat()}到达{label}"
        return f"红牌警告:{self.item_name}({self.tracking_code})已超过{label}({self.due_on.isoformat()})"


def acknowledge(warning: SupervisionWarning, actor_id: str, may_act: bool, at: str) -> SupervisionWarning:
    """A recipient (or a member of the responsible department) confirms having seen a warning."""
    if not may_act:
        raise DomainError.one("NOT_FOUND", "预警不存在", "id")
    if warning.acknowledged_by is not None:
        raise DomainError.one("ALREADY_ACKNOWLEDGED", "该预警已确认", "id")
    return replace(warning, acknowledged_by=actor_id, acknowledged_at=at)


@dataclass(frozen=True)
class Annotation:
    by: str
    at: str
    note: str


@dataclass(frozen=True)
class Violation:
    """An entry of the violation ledger (seed 004), with its place in the department's year."""

    department_id: str  # the department (or the centre, for intake at the window)
    application_id: str
    kind: str
    at: str
    ordinal: int = 1
    escalation: Escalation = Escalation.NOTICE
    annotations: tuple[Annotation, ...] = field(default=())


MAX_NOTE = 1000


def annotate(violation: Violation, actor_id: str, note: str, at: str) -> Violation:
    text = note.strip()
    if not text:
        raise DomainError.one("NOTE_REQUIRED", "请填写批注内容", "note")
    if len(text) > MAX_NOTE:
        raise DomainError.one("OUT_OF_RANGE", f"批注不能超过{MAX_NOTE}个字符", "note")
    if len(violation.annotations) >= 50:
        raise DomainError.one("OUT_OF_RANGE", "批注条数已达上限", "note")
    return replace(violation, annotations=(*violation.annotations, Annotation(actor_id, at, text)))


def china_year_bounds(year: int) -> tuple[str, str]:
    """UTC ISO bounds of a Chinese calendar year (events are stamped in UTC)."""
    return f"{year - 1}-12-31T16:00:00", f"{year}-12-31T16:00:00"
