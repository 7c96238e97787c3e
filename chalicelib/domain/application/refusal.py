"""The case's hooks for refusal at intake (不予受理) and its rejection report.

Seed clauses: Administrative Licensing Law art. 32 and 38 (a written refusal naming the competent
agency, before acceptance); 004 二(五) 否认报备 (the applicant objects, the clerk's unit leader
confirms or corrects; a corrected refusal is a violation and restarts the intake clock). The
rules themselves live in domain/intake_refusal.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from chalicelib.domain.application.case import MAX_TEXT, Application, State, china_date
from chalicelib.domain.application.transition import (
    Code,
    Effect,
    Transition,
    _fail,
    _first_contact,
    _move,
    _require_centre,
    _require_role,
    _require_state,
    _text,
)
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.intake_refusal import IntakeRefusal, RefusalGround, RefusalStatus, check_refusal


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
