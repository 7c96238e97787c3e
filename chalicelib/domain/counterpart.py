"""City counterpart oversight of delegated powers (seed 003 二(五)3, 二(六)).

二(五)3: the receiving centres push their approval data to the city counterpart departments
(市直对口部门), which use the platform for guidance, real-time monitoring and analysis. Here every
decision on a delegated power goes to the delegating department's feed (through the outbox, once
per decision), and that department sees the open cases of its powers at the receiving centres.

二(六): the city departments inspect the exercise of delegated powers (定期或不定期的行政监督检查);
problems get a rectification opinion (整改意见) with a due date; a centre that does not rectify
(the due date passes unanswered) may be issued a formal rectification letter (整改意见书), which
it must answer. Every due date carries warnings, and each lapse enters the violation ledger of
the receiving department that exercises the power.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, State
from chalicelib.domain.audit import Event
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.supervision import DeadlineKind, department_feed
from chalicelib.domain.working_days import WorkingDayCalendar

MAX_TEXT = 2000
MAX_DUE_DAYS = 90  # a rectification is due within a quarter
DECISION_ACTIONS = {
    "approve": "准予许可",
    "deemed_approval": "超时默认准予",
    "deemed_renewal": "视为准予延续",
    "confirm_rejection": "不予许可",
}


class CounterpartCode:
    """English error codes of counterpart oversight (the API exposes them as an enum)."""

    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NOT_DELEGATED = "NOT_DELEGATED"
    DEPARTMENT_NOT_AT_CENTRE = "DEPARTMENT_NOT_AT_CENTRE"
    OPINION_EXISTS = "OPINION_EXISTS"
    NO_OPINION = "NO_OPINION"
    OPINION_NOT_DUE = "OPINION_NOT_DUE"
    OPINION_OVERDUE = "OPINION_OVERDUE"
    ALREADY_RECTIFIED = "ALREADY_RECTIFIED"
    LETTER_EXISTS = "LETTER_EXISTS"
    NO_LETTER = "NO_LETTER"
    ALREADY_ANSWERED = "ALREADY_ANSWERED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    CONFLICT = "CONFLICT"


# --- decisions pushed to the delegating department ---------------------------------------------


def delegating_department(case: Application) -> str | None:
    """The city department whose power a case exercises, when the centre competent for the case
    (where it is reviewed and decided, not the window that took it) is one the power was
    delegated to rather than the power's home centre."""
    if case.handling_centre_id == case.item.home_centre_id:
        return None
    return case.item.elements.department_id


def decision_push(case: Application, event: Event) -> Message | None:
    """审批信息同步推送: a final decision (approval, deemed approval, confirmed refusal) on a
    delegated power, to the delegating department's feed. The id derives from the case and the
    event's sequence number, so a decision is pushed exactly once."""
    department = delegating_department(case)
    label = DECISION_ACTIONS.get(event.action)
    if department is None or label is None:
        return None
    title = f"下放职权办理结果:{case.item.elements.name}({case.tracking_code}){label}"
    data = {
        "applicationId": case.id,
        "trackingCode": case.tracking_code,
        "itemCode": case.item.code,
        "itemName": case.item.elements.name,
        "centreId": case.centre_id,
        "outcome": case.decision.outcome.value if case.decision else "",
        "decidedAt": event.at,
    }
    return make_message(
        MessageKind.DELEGATED_DECISION,
        (case.id, event.action, str(event.seq)),
        (department_feed(department),),
        title,
        case.id,
        event.at,
        data,
    )


@dataclass(frozen=True)
class CounterpartEntry:
    """A row of the delegating department's monitoring worklist (an open delegated case)."""

    application_id: str
    tracking_code: str
    item_code: str
    item_name: str
    centre_id: str
    state: State
    due_on: date
    red_flag: bool


def counterpart_entry(
    case: Application, calendar: WorkingDayCalendar, today: date
) -> tuple[str, CounterpartEntry] | None:
    """(delegating department, row) while a delegated case is open; the row's date is its current
    deadline (intake, or the promised limit), so the list reads soonest-due first."""
    department = delegating_department(case)
    if department is None or not case.is_open:
        return None
    due = da.promised_deadline(case, calendar, today) if case.state is State.IN_REVIEW else None
    if due is None:
        due = da.intake_deadline(case, calendar) if case.state is State.SUBMITTED else today
    entry = CounterpartEntry(
        case.id,
        case.tracking_code,
        case.item.code,
        case.item.elements.name,
        case.centre_id,
        case.state,
        due,
        case.red_flag,
    )
    return department, entry


# --- inspections, rectification opinions and letters --------------------------------------------


class InspectionOutcome(StrEnum):
    COMPLIANT = "compliant"  # 规范行使
    DEFICIENT = "deficient"  # 存在问题


class DemandStatus(StrEnum):
    OPEN = "open"  # waiting for the centre's answer
    ANSWERED = "answered"  # answered in time
    OVERDUE = "overdue"  # the due date passed unanswered (violation recorded)
    ANSWERED_LATE = "answered_late"  # a letter answered after it fell overdue


@dataclass(frozen=True)
class Demand:
    """A rectification opinion (整改意见) or letter (整改意见书): what to fix, by when, the answer."""

    requirements: str
    due_on: date
    issued_by: str
    issued_at: str
    status: DemandStatus = DemandStatus.OPEN
    answer: str = ""
    answered_by: str | None = None
    answered_at: str | None = None
    overdue_at: str | None = None
    warned: bool = False  # its yellow warning was raised


@dataclass(frozen=True)
class OversightInspection:
    """One supervision inspection of a receiving centre's exercise of a delegated power, with the
    rectification it led to."""

    id: str
    department_id: str  # the delegating city department
    centre_id: str  # the receiving centre
    receiving_department_id: str  # the centre's department that exercises the power
    item_code: str
    item_name: str
    inspected_on: date
    outcome: InspectionOutcome
    findings: str
    inspector_id: str
    recorded_at: str
    opinion: Demand | None = None
    letter: Demand | None = None

    def open_demand(self) -> tuple[str, Demand] | None:
        """The demand the centre must answer now: the letter once issued, else the opinion."""
        if self.letter is not None:
            return ("letter", self.letter) if self.letter.status is DemandStatus.OPEN else None
        if self.opinion is not None and self.opinion.status is DemandStatus.OPEN:
            return "opinion", self.opinion
        return None


DEMAND_DEADLINE = {"opinion": DeadlineKind.RECTIFICATION_OPINION, "letter": DeadlineKind.RECTIFICATION_LETTER}
DEMAND_VIOLATION = {"opinion": "rectification_opinion_ignored", "letter": "rectification_letter_ignored"}


def _fail(code: str, message: str, field_: str | None = None) -> DomainError:
    return DomainError.one(code, message, field_)


def _text(problems: list[Violation], value: str, label: str, field_: str) -> str:
    text = value.strip()
    if not text:
        problems.append(Violation(CounterpartCode.REQUIRED, f"{label}不能为空", field_))
    elif len(text) > MAX_TEXT:
        problems.append(Violation(CounterpartCode.TOO_LONG, f"{label}不能超过{MAX_TEXT}个字符", field_))
    return text


def is_department_staff(principal: Principal, department_id: str) -> bool:
    return (
        principal.subject is not None
        and principal.has_any(Role.REVIEWER, Role.APPROVER)
        and principal.department_id == department_id
    )


def may_answer(principal: Principal, inspection: OversightInspection) -> bool:
    """The receiving department's reviewers and approvers, or the receiving centre's administrator."""
    if is_department_staff(principal, inspection.receiving_department_id):
        return True
    return principal.has_any(Role.ADMIN) and principal.centre_id == inspection.centre_id


def may_read(principal: Principal, inspection: OversightInspection) -> bool:
    return (
        principal.has_any(Role.SUPERVISOR)
        or is_department_staff(principal, inspection.department_id)
        or may_answer(principal, inspection)
    )


def _due(problems: list[Violation], due_on: date, today: date, field_: str) -> None:
    if due_on <= today:
        problems.append(Violation(CounterpartCode.OUT_OF_RANGE, "整改期限须晚于今天", field_))
    elif (due_on - today).days > MAX_DUE_DAYS:
        problems.append(Violation(CounterpartCode.OUT_OF_RANGE, f"整改期限不得超过{MAX_DUE_DAYS}天", field_))


def record(
    inspection_id: str,
    actor: Principal,
    item_code: str,
    item_name: str,
    owning_department_id: str,
    delegated: bool,
    centre_id: str,
    receiving_department_centre: str | None,
    receiving_department_id: str,
    inspected_on: date,
    outcome: InspectionOutcome,
    findings: str,
    now: datetime,
) -> OversightInspection:
    """The delegating department inspects a receiving centre's exercise of one of its powers."""
    if not is_department_staff(actor, owning_department_id) or actor.subject is None:
        raise _fail(CounterpartCode.FORBIDDEN, "只有该职权的市直对口部门可以检查其行使情况", "itemId")
    problems: list[Violation] = []
    if not delegated:
        problems.append(Violation(CounterpartCode.NOT_DELEGATED, "该事项未下放给此中心", "centreId"))
    if receiving_department_centre != centre_id:
        problems.append(
            Violation(CounterpartCode.DEPARTMENT_NOT_AT_CENTRE, "承接部门须属于被检查的中心", "receivingDepartmentId")
        )
    text = _text(problems, findings, "检查发现", "findings")
    if inspected_on > da.china_date(now):
        problems.append(Violation(CounterpartCode.OUT_OF_RANGE, "检查日期不能晚于今天", "inspectedOn"))
    if problems:
        raise DomainError(problems)
    return OversightInspection(
        inspection_id,
        owning_department_id,
        centre_id,
        receiving_department_id,
        item_code,
        item_name,
        inspected_on,
        outcome,
        text,
        actor.subject,
        now.isoformat(timespec="seconds"),
    )


def issue_opinion(
    inspection: OversightInspection, actor: Principal, requirements: str, due_on: date, now: datetime
) -> OversightInspection:
    """整改意见: one per inspection, due within a quarter."""
    if not is_department_staff(actor, inspection.department_id) or actor.subject is None:
        raise _fail(CounterpartCode.NOT_FOUND, "检查记录不存在", "id")
    if inspection.opinion is not None:
        raise _fail(CounterpartCode.OPINION_EXISTS, "已就本次检查提出整改意见")
    problems: list[Violation] = []
    text = _text(problems, requirements, "整改要求", "requirements")
    _due(problems, due_on, da.china_date(now), "dueOn")
    if problems:
        raise DomainError(problems)
    opinion = Demand(text, due_on, actor.subject, now.isoformat(timespec="seconds"))
    return replace(inspection, opinion=opinion)


def answer(inspection: OversightInspection, actor: Principal, text: str, now: datetime) -> OversightInspection:
    """The centre reports its rectification: the letter once issued, else the opinion (by its due
    date: after that the department decides on a letter)."""
    if not may_answer(actor, inspection) or actor.subject is None:
        raise _fail(CounterpartCode.NOT_FOUND, "检查记录不存在", "id")
    if inspection.opinion is None:
        raise _fail(CounterpartCode.NO_OPINION, "本次检查未提出整改意见")
    problems: list[Violation] = []
    report = _text(problems, text, "整改情况", "answer")
    if problems:
        raise DomainError(problems)
    at = now.isoformat(timespec="seconds")
    today = da.china_date(now)
    letter = inspection.letter
    if letter is not None:
        if letter.status not in (DemandStatus.OPEN, DemandStatus.OVERDUE):
            raise _fail(CounterpartCode.ALREADY_ANSWERED, "已答复整改意见书")
        late = letter.status is DemandStatus.OVERDUE or today > letter.due_on
        status = DemandStatus.ANSWERED_LATE if late else DemandStatus.ANSWERED
        return replace(
            inspection, letter=replace(letter, status=status, answer=report, answered_by=actor.subject, answered_at=at)
        )
    opinion = inspection.opinion
    if opinion.status is DemandStatus.ANSWERED:
        raise _fail(CounterpartCode.ALREADY_ANSWERED, "已答复整改意见")
    if opinion.status is DemandStatus.OVERDUE or today > opinion.due_on:
        raise _fail(CounterpartCode.OPINION_OVERDUE, "整改期限已过,须答复整改意见书")
    answered = replace(opinion, status=DemandStatus.ANSWERED, answer=report, answered_by=actor.subject, answered_at=at)
    return replace(inspection, opinion=answered)


def mark_overdue(inspection: OversightInspection, which: str, at: str) -> OversightInspection:
    """The due date passed unanswered (the sweep, or a letter issued before the sweep ran)."""
    demand = inspection.letter if which == "letter" else inspection.opinion
    assert demand is not None and demand.status is DemandStatus.OPEN
    overdue = replace(demand, status=DemandStatus.OVERDUE, overdue_at=at)
    return replace(inspection, letter=overdue) if which == "letter" else replace(inspection, opinion=overdue)


def issue_letter(
    inspection: OversightInspection, actor: Principal, requirements: str, due_on: date, now: datetime
) -> tuple[OversightInspection, bool]:
    """整改意见书 for a centre that did not rectify: only once the opinion's due date passed
    unanswered. Returns the inspection and whether this marked the opinion overdue (the sweep
    had not yet), in which case the caller records the lapse."""
    if not is_department_staff(actor, inspection.department_id) or actor.subject is None:
        raise _fail(CounterpartCode.NOT_FOUND, "检查记录不存在", "id")
    opinion = inspection.opinion
    if opinion is None:
        raise _fail(CounterpartCode.NO_OPINION, "须先提出整改意见,逾期未整改的方可出具整改意见书")
    if inspection.letter is not None:
        raise _fail(CounterpartCode.LETTER_EXISTS, "已出具整改意见书")
    if opinion.status is DemandStatus.ANSWERED:
        raise _fail(CounterpartCode.ALREADY_RECTIFIED, "该中心已按期整改,无需出具整改意见书")
    today = da.china_date(now)
    if opinion.status is DemandStatus.OPEN and today <= opinion.due_on:
        raise _fail(CounterpartCode.OPINION_NOT_DUE, f"整改期限({opinion.due_on.isoformat()})未到,不能出具整改意见书")
    problems: list[Violation] = []
    text = _text(problems, requirements, "整改要求", "requirements")
    _due(problems, due_on, today, "dueOn")
    if problems:
        raise DomainError(problems)
    at = now.isoformat(timespec="seconds")
    newly_overdue = opinion.status is DemandStatus.OPEN
    current = mark_overdue(inspection, "opinion", at) if newly_overdue else inspection
    return replace(current, letter=Demand(text, due_on, actor.subject, at)), newly_overdue
