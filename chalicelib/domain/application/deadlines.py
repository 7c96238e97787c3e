"""Deadlines on the working-day clock and the transitions the deadline sweep applies.

Seed clauses: 004 二(三) 审批时限 and 超时默认 (`promised_deadline`, `apply_timeout`: deemed approval or
escalation past the promised limit); 004 二(四) 缺席默认 (`task_deadline`, `deem_consent`);
Administrative Licensing Law art. 32 as the centre applies it (`intake_deadline`, `auto_accept`:
no notice within 5 working days means accepted) and art. 82 (working days); 002 四(八) 容缺
(`break_pledge`: a pledge past due is a credit default; 容缺后补 sends the certificate to review).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from chalicelib.domain.application.case import (
    AUTO_ACCEPT_WORKING_DAYS,
    SYSTEM,
    Application,
    Decision,
    Outcome,
    PledgeStatus,
    ReviewTask,
    State,
    TaskRole,
    TaskStatus,
    china_date,
)
from chalicelib.domain.application.transition import Code, Effect, Transition, _fail, _move, _open_tasks, _require_state
from chalicelib.domain.catalogue import TimeoutRule
from chalicelib.domain.deficiency_policy import DeficiencyMode, limit_days, open_review
from chalicelib.domain.working_days import WorkingDayCalendar

# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------


def _days(case: Application, days: int) -> int:
    """A limit as it applies to this case: 容缺后补 shortens it to the acceptance day."""
    return limit_days(case.pledge.mode if case.pledge else None, days)


def promised_deadline(case: Application, calendar: WorkingDayCalendar, today: date) -> date | None:
    """The promised limit from when review opened, plus extensions, minus paused working days."""
    start = case.clock_start
    if start is None:
        return None
    limit = _days(case, case.item.elements.promised_limit_days) + sum(e.days for e in case.extensions)
    return calendar.deadline(start, limit, case.pauses(calendar, today), today=today)


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
