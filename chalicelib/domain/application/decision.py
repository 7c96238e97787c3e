"""The decision, the rejection report and what the applicant is told.

Seed clauses: 004 二(五) 否认报备 (`decide` files a refusal to a supervisor, who confirms it, when the
applicant is told in writing with the legal basis (art. 38), or corrects it back to review;
until then the applicant sees "in review": `shown_state`, `shown_event`); 002 四(四) 三分离 (whoever
accepted may not decide); 002 三(一) 一枚印章管审批 (the bureau's issuance and delivery of the
certificate join the case's audit trail: `record_issuance`, `record_certificate_event`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.application.case import (
    SYSTEM,
    Application,
    Decision,
    Outcome,
    RejectionReport,
    ReportStatus,
    State,
    TaskStatus,
    china_date,
)
from chalicelib.domain.application.transition import (
    Code,
    Effect,
    Transition,
    _fail,
    _move,
    _require_department,
    _require_not_acceptor,
    _require_role,
    _require_state,
    _text,
)
from chalicelib.domain.approval_on_pledge import PledgeApprovalStatus
from chalicelib.domain.audit import Event
from chalicelib.domain.identity import Principal, Role

# ---------------------------------------------------------------------------------------------
# What the applicant is told (seed 004 否认报备: a refusal reaches them only once confirmed)
# ---------------------------------------------------------------------------------------------

INTERNAL_ACTIONS = frozenset({"report_rejection", "correct_rejection"})
STAFF_LABEL = "工作人员"


def shown_state(state: State, staff: bool) -> State:
    """A refusal awaiting the supervisor is still 'in review' for the applicant."""
    return State.IN_REVIEW if state is State.REJECTION_REPORTED and not staff else state


def party_labels(case: Application) -> dict[str, str]:
    """The case's non-staff parties as an applicant or agent sees them: 申请人 and 代办人."""
    labels = {case.applicant.id: "申请人"}
    if case.filed_by_agent:
        labels[case.filed_by] = "代办人"
    return labels


def shown_event(event: Event, staff: bool, viewer: str | None, parties: dict[str, str] | None = None) -> Event:
    """Applicants see who acted as a role, not a staff identity, and no unconfirmed refusal: their
    own actions under their id, the other party's (applicant or agent) as 申请人 / 代办人."""
    if staff:
        return event
    own = event.actor in {viewer, SYSTEM}
    actor = event.actor if own else (parties or {}).get(event.actor, STAFF_LABEL)
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
