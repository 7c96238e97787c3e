"""Deadlines and the calendar they were counted on (working-day calendar beyond the library's years).

A deadline counted across a year for which neither the State Council's arrangement has been
loaded nor `chinese_calendar` has data is *provisional*: it rests on the computed statutory
holidays only. When the arrangement is loaded, the sweep recounts the open deadlines that reach
into that year and records on each case whose deadlines moved an audit event saying which
deadline moved from when to when, and by which version of the arrangement.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, State, TaskStatus, Transition
from chalicelib.domain.audit import make_event
from chalicelib.domain.working_days import WorkingDayCalendar

ACTION = "deadline_recomputed"
LABELS = {"intake": "受理期限", "co_review": "并联审查时限", "promised": "承诺办结时限"}


def open_deadlines(case: Application, calendar: WorkingDayCalendar, today: date) -> dict[tuple[str, str], date]:
    """(kind, ref) -> due date of every calendar-counted open deadline of the case, keyed like the
    sweep's due records (intake, each co-reviewer's limit, the promised limit)."""
    out: dict[tuple[str, str], date] = {}
    if case.state is State.SUBMITTED:
        out[("intake", "-")] = da.intake_deadline(case, calendar)
    if case.state is State.IN_REVIEW:
        for task in case.tasks:
            if task.status is TaskStatus.OPEN and task.role is da.TaskRole.CO:
                due = da.task_deadline(case, task, calendar, today)
                if due is not None:
                    out[("co_review", task.department_id)] = due
        promised = da.promised_deadline(case, calendar, today)
        if promised is not None and not case.red_flag:
            out[("promised", "-")] = promised
    return out


def deadline_provisional(case: Application, calendar: WorkingDayCalendar, today: date) -> bool:
    """Whether any open deadline of the case was counted across a year of the computed fallback."""
    start = case.clock_start if case.state is State.IN_REVIEW else case.submitted_on
    if start is None:
        return False
    return any(calendar.is_provisional(start, due) for due in open_deadlines(case, calendar, today).values())


def recomputed(
    case: Application,
    before: dict[tuple[str, str], date],
    calendar: WorkingDayCalendar,
    now: datetime,
    year: int,
    version: int,
) -> Transition | None:
    """The audit event of deadlines the loaded arrangement moved, or None if none moved."""
    after = open_deadlines(case, calendar, da.china_date(now))
    moves = [
        f"{LABELS[kind]}{'(' + ref + ')' if ref != '-' else ''}由{old.isoformat()}调整为{after[(kind, ref)].isoformat()}"
        for (kind, ref), old in sorted(before.items())
        if (kind, ref) in after and after[(kind, ref)] != old
    ]
    if not moves:
        return None
    reason = f"载入{year}年节假日安排(第{version}版)后重新计算:" + ";".join(moves)
    at = now.isoformat(timespec="seconds")
    event = make_event(
        case.last_hash, case.events + 1, at, ACTION, da.SYSTEM, da.SYSTEM, case.state.value, case.state.value, reason
    )
    return Transition(replace(case, events=event.seq, last_hash=event.hash), event)
