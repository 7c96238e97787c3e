"""Department review and special steps.

Seed clauses: 004 二(四) and 001 三(三) 并联审批 (the lead and every co-reviewer review at once, each
with its own task; 缺席默认 for a silent co-reviewer is the sweep's, in deadlines.py); 000 三(一)(二)
联合踏勘/联合会审 (`record_meeting`); Administrative Licensing Law art. 45 and 002 四(五) expert
review (`start_special_step`: steps that do not count pause the clock); art. 42 extension with a
reason (`grant_extension`); 002 四(四) 三分离 (whoever accepted may not review).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from chalicelib.domain.application.case import (
    Application,
    DepartmentOpinion,
    Extension,
    Meeting,
    MeetingKind,
    Opinion,
    SpecialStepRun,
    State,
    TaskStatus,
    china_date,
)
from chalicelib.domain.application.transition import (
    Code,
    Transition,
    _fail,
    _move,
    _require_department,
    _require_not_acceptor,
    _require_role,
    _require_state,
    _text,
)
from chalicelib.domain.catalogue import SpecialStepKind
from chalicelib.domain.identity import Principal, Role


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
