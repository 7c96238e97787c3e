"""The case's hooks for the fast tracks: approval on pledge, window authority, emergency handling.

Seed clauses: 004 二(四) 告知承诺制 (`issue_pledge_notice`, `sign_pledge`, `verify_pledge`,
`pledge_verification_overdue`; rules in domain/approval_on_pledge.py); 004 二(三) and 三(三) 即办件
decided at an authorised window post (`decide_at_window`; domain/window_authority.py); 004 二(三)
先予办理 (`authorise_emergency`; rules in domain/emergency_handling.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from chalicelib.domain.application.case import (
    MAX_TEXT,
    Application,
    CreditPledge,
    Decision,
    Outcome,
    PledgeStatus,
    State,
    china_date,
)
from chalicelib.domain.application.transition import (
    Code,
    Effect,
    Transition,
    _fail,
    _first_contact,
    _move,
    _open_tasks,
    _require_centre,
    _require_department,
    _require_role,
    _require_state,
    _text,
)
from chalicelib.domain.approval_on_pledge import PledgeApproval, PledgeApprovalStatus, notice_text
from chalicelib.domain.catalogue import ItemKind
from chalicelib.domain.emergency_handling import EmergencyAuthorisation
from chalicelib.domain.emergency_handling import check as check_emergency
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.working_days import WorkingDayCalendar

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
