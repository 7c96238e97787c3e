"""Inspections (事中事后监管, seed 002 (十一)): the supervising department checks certificate holders.

Seed 002: 「谁审批谁负责、谁主管谁监管」 — after the bureau issues, the competent line department
supervises the holder and records what it found; 「监管结果抄告制度」 copies the outcome back to the
issuing bureau; and 「一处违法、处处受限」: a serious violation limits the holder everywhere (here:
a credit record that bars deficiency acceptance in any later application).

Who may record: reviewers and approvers of the supervising department, and supervisors.
Who may read: staff of the supervising department, of the issuing bureau, and supervisors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from chalicelib.domain.application import china_date
from chalicelib.domain.certificate import Certificate, mask_name
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.supervision import department_feed

MAX_FINDINGS = 2000


class InspectionOutcome(StrEnum):
    COMPLIANT = "compliant"  # 检查合格
    DEFICIENT = "deficient"  # 存在问题,责令整改
    SERIOUS_VIOLATION = "serious_violation"  # 严重违法: 一处违法、处处受限


OUTCOME_LABEL = {
    InspectionOutcome.COMPLIANT: "检查合格",
    InspectionOutcome.DEFICIENT: "存在问题",
    InspectionOutcome.SERIOUS_VIOLATION: "严重违法",
}


class InspectionCode:
    """English codes of inspection refusals (the API exposes them as an enum)."""

    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"


@dataclass(frozen=True)
class Inspection:
    """One recorded inspection of a certificate's holder (immutable once recorded)."""

    id: str
    certificate_id: str
    certificate_number: str
    item_code: str
    item_name: str
    holder_account: str
    holder_name: str
    supervising_department_id: str
    issuer_department_id: str
    inspected_on: date
    outcome: InspectionOutcome
    findings: str
    inspector_id: str
    recorded_at: str

    @property
    def limits_holder(self) -> bool:
        """一处违法、处处受限: only a serious violation becomes a credit record."""
        return self.outcome is InspectionOutcome.SERIOUS_VIOLATION


def may_record(principal: Principal, supervising_department_id: str) -> bool:
    """The supervising department's reviewers and approvers, or a supervisor (电子监察)."""
    if principal.subject is None:
        return False
    if principal.has_any(Role.SUPERVISOR):
        return True
    return principal.has_any(Role.REVIEWER, Role.APPROVER) and principal.department_id == supervising_department_id


def may_read(principal: Principal, supervising_department_id: str, issuer_department_id: str) -> bool:
    """Staff of the supervising department or of the issuing bureau, and supervisors."""
    if principal.subject is None or not principal.is_staff:
        return False
    if principal.has_any(Role.SUPERVISOR):
        return True
    return principal.department_id in {supervising_department_id, issuer_department_id}


def record(
    inspection_id: str,
    cert: Certificate,
    supervising_department_id: str,
    issuer_department_id: str,
    actor: Principal,
    inspected_on: date,
    outcome: InspectionOutcome,
    findings: str,
    now: datetime,
) -> Inspection:
    """Check the inspection and build it; every problem is reported at once."""
    if not may_record(actor, supervising_department_id) or actor.subject is None:
        raise DomainError.one(InspectionCode.NOT_FOUND, "证照不存在", "certificateId")
    problems: list[Violation] = []
    text = findings.strip()
    if not text:
        problems.append(Violation(InspectionCode.REQUIRED, "请填写检查发现", "findings"))
    elif len(text) > MAX_FINDINGS:
        problems.append(Violation(InspectionCode.TOO_LONG, f"检查发现不能超过{MAX_FINDINGS}个字符", "findings"))
    if inspected_on > china_date(now):
        problems.append(Violation(InspectionCode.OUT_OF_RANGE, "检查日期不能晚于今天", "inspectedOn"))
    elif inspected_on < cert.issued_on:
        message = f"检查日期不能早于证照颁发日期({cert.issued_on.isoformat()})"
        problems.append(Violation(InspectionCode.OUT_OF_RANGE, message, "inspectedOn"))
    if problems:
        raise DomainError(problems)
    return Inspection(
        id=inspection_id,
        certificate_id=cert.id,
        certificate_number=cert.number,
        item_code=cert.item_code,
        item_name=cert.item_name,
        holder_account=cert.holder_account,
        holder_name=cert.holder_name,
        supervising_department_id=supervising_department_id,
        issuer_department_id=issuer_department_id,
        inspected_on=inspected_on,
        outcome=outcome,
        findings=text,
        inspector_id=actor.subject,
        recorded_at=now.isoformat(timespec="seconds"),
    )


def credit_detail(inspection: Inspection) -> str:
    return (
        f"inspection serious violation: certificate {inspection.certificate_number}, "
        f"inspection {inspection.id} on {inspection.inspected_on.isoformat()} by {inspection.supervising_department_id}"
    )


def copy_back(inspection: Inspection) -> Message:
    """监管结果抄告: the outcome goes to the issuing bureau's feed (one message per inspection)."""
    label = OUTCOME_LABEL[inspection.outcome]
    title = f"监管结果抄告:{inspection.item_name}证照{inspection.certificate_number}{label}"
    data = {
        "outcome": inspection.outcome.value,
        "certificateId": inspection.certificate_id,
        "certificateNumber": inspection.certificate_number,
        "itemCode": inspection.item_code,
        "holderName": mask_name(inspection.holder_name),
        "inspectedOn": inspection.inspected_on.isoformat(),
        "supervisingDepartmentId": inspection.supervising_department_id,
        "inspectionId": inspection.id,
    }
    return make_message(
        MessageKind.RESULT_PUSH,
        (inspection.id, "inspection"),
        (department_feed(inspection.issuer_department_id),),
        title,
        inspection.certificate_id,
        inspection.recorded_at,
        data,
    )
