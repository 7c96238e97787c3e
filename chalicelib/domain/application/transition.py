"""The shape of a transition and the guards every lifecycle phase shares.

A transition is a pure function `(case, actor, ...) -> Transition`: the new case, its audit event
(hash-chained, domain/audit.py) and the effects outside the case, or a `DomainError` with one of
the `Code`s. The guards hold the rules no phase may skip: 002 四(四) 受理、审核、制证三分离
(`_require_not_acceptor`), the window acts for its own centre (seed 000 三(一) 在地受理), a
department for its own tasks; the message of a refused state names no state (004 二(五)
否认报备: an applicant must not learn of an unconfirmed refusal).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from chalicelib.domain.application.case import (
    MAX_TEXT,
    SYSTEM,
    Application,
    ReviewTask,
    State,
    SubmittedMaterial,
    TaskRole,
)
from chalicelib.domain.approval_on_pledge import PledgeCode
from chalicelib.domain.audit import Event, make_event
from chalicelib.domain.catalogue import ItemKind, ServiceItem
from chalicelib.domain.emergency_handling import EmergencyCode
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.intake_refusal import RefusalCode
from chalicelib.domain.text import INVALID_CHARACTERS, character_problem, visible


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
    ON_LEAVE = "ON_LEAVE"
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


def _text(value: str, code: str, message: str, field_: str, *, multiline: bool = True) -> str:
    value = value.strip()
    if not visible(value):
        raise _fail(code, message, field_)
    if len(value) > MAX_TEXT:
        raise _fail(Code.OUT_OF_RANGE, f"内容不能超过{MAX_TEXT}个字符", field_)
    if problem := character_problem(value, "内容", multiline=multiline):
        raise _fail(INVALID_CHARACTERS, problem, field_)
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
    if actor.on_leave and Role.CLERK in roles and not actor.has_any(*(set(roles) - {Role.CLERK})):
        # Seed 004 三(二): while A is on granted leave the backup holds the post (顶岗); A's
        # window acts would be recorded against a post that is not theirs that day.
        raise _fail(Code.ON_LEAVE, "您正在休假,岗位工作由B岗顶岗处理,休假结束后方可办理")
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


def _first_contact(case: Application, actor_id: str) -> str:
    return case.first_contact_officer or actor_id


def _open_tasks(case: Application) -> tuple[ReviewTask, ...]:
    e = case.item.elements
    if e.kind is ItemKind.IMMEDIATE:
        return ()  # decided at the window, no department review
    lead = ReviewTask(case.lead_department_id, TaskRole.LEAD, e.promised_limit_days)
    return (lead, *(ReviewTask(c.department_id, TaskRole.CO, c.limit_days) for c in case.co_reviewers))
