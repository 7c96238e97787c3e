"""Refusal at intake (不予受理) and the window's rejection report (否认报备), seed 004 二(五).

Administrative Licensing Law art. 32: an application outside the agency's competence gets an
immediate written refusal naming the competent agency; an application that is otherwise not
admissible is refused in writing too. Art. 38: the written refusal gives the reasons and tells
the applicant of the right to administrative reconsideration or litigation.

Seed 004 否认报备制: 「窗口工作人员对服务对象申请办理的事项因不符合法律、法规规定不能办理的,服务对象
仍提出异议的,实行否认报备制……一份送单位领导备案……经审查发现报备的否认行为正确,应在报备资料上签字
认可;假设报备否认行为错误,应及时予以纠正。经办人接到领导审批意见后,应当将否认依据及时书面告知服务
对象,并统一建立否认报备台帐。」

Rules here (the case's state machine calls them from `domain/application/refusal.py`):
- the clerk states the ground, the reason, the legal basis and, outside competence, the agency
  to apply to; every missing part is reported at once;
- the applicant may object within `OBJECTION_WORKING_DAYS` working days of the refusal day
  (the day itself not counted), once;
- the objection is filed to the unit leader of the refusing clerk's department: its head
  (`Department.head_staff_id`); a department that records no head is ruled on by a supervisor
  (电子监察), so no objection is ever left without someone to answer it;
- the leader confirms (the applicant is told in writing, again with the remedies) or corrects
  (the case returns to intake, and the clerk's refusal is a violation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chalicelib.domain.errors import Violation

OBJECTION_WORKING_DAYS = 5
MAX_TEXT = 1000
MAX_AGENCY = 100
REMEDIES = (
    "申请人如对本决定不服,可以自收到本决定书之日起六十日内依法申请行政复议,"
    "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
)


class RefusalGround(StrEnum):
    OUTSIDE_COMPETENCE = "outside_competence"  # 不属于本中心职权范围 (art. 32(2))
    INADMISSIBLE = "inadmissible"  # 依法不予受理 (art. 32(1): e.g. no licence is required)


GROUND_LABEL = {
    RefusalGround.OUTSIDE_COMPETENCE: "申请事项依法不属于本中心职权范围",
    RefusalGround.INADMISSIBLE: "申请事项依法不予受理",
}


class RefusalStatus(StrEnum):
    ISSUED = "issued"  # the written decision is with the applicant; they may object
    OBJECTED = "objected"  # 否认报备: filed to the unit leader
    CONFIRMED = "confirmed"  # the leader signed it off: the refusal stands
    CORRECTED = "corrected"  # the leader found it wrong: back to intake


class RefusalCode:
    """Error codes of refusals at intake (part of the application error enum)."""

    ALREADY_ACCEPTED = "ALREADY_ACCEPTED"
    COMPETENT_AGENCY_REQUIRED = "COMPETENT_AGENCY_REQUIRED"
    OBJECTION_LATE = "OBJECTION_LATE"
    ALREADY_OBJECTED = "ALREADY_OBJECTED"
    NOT_UNIT_LEADER = "NOT_UNIT_LEADER"


@dataclass(frozen=True)
class IntakeRefusal:
    """One written refusal at the window and what became of it."""

    ground: RefusalGround
    reason: str
    legal_basis: str
    competent_agency: str  # the agency to apply to (outside competence), else ""
    refused_by: str
    department_id: str  # the refusing clerk's department: its leader rules on an objection
    refused_at: str
    objection_due_on: date
    status: RefusalStatus = RefusalStatus.ISSUED
    objection: str = ""
    objected_at: str | None = None
    leader_id: str | None = None
    leader_note: str = ""
    resolved_at: str | None = None

    @property
    def in_ledger(self) -> bool:
        """Confirmed and corrected window refusals join the rejection ledger (台帐)."""
        return self.status in (RefusalStatus.CONFIRMED, RefusalStatus.CORRECTED)


def check_refusal(ground: RefusalGround, reason: str, legal_basis: str, competent_agency: str) -> list[Violation]:
    """Every missing or overlong part of a written refusal, at once."""
    out: list[Violation] = []
    for value, code, label, field in (
        (reason, "REASON_REQUIRED", "不予受理理由", "reason"),
        (legal_basis, "LEGAL_BASIS_REQUIRED", "法律依据", "legalBasis"),
    ):
        if not value.strip():
            out.append(Violation(code, f"请填写{label}", field))
        elif len(value.strip()) > MAX_TEXT:
            out.append(Violation("OUT_OF_RANGE", f"{label}不能超过{MAX_TEXT}个字符", field))
    agency = competent_agency.strip()
    if ground is RefusalGround.OUTSIDE_COMPETENCE and not agency:
        out.append(
            Violation(
                RefusalCode.COMPETENT_AGENCY_REQUIRED,
                "不属于本中心职权范围的,应当告知申请人向有关行政机关申请,请填写有权机关",
                "competentAgency",
            )
        )
    elif len(agency) > MAX_AGENCY:
        out.append(Violation("OUT_OF_RANGE", f"有权机关名称不能超过{MAX_AGENCY}个字符", "competentAgency"))
    return out


def may_rule(head_staff_id: str | None, actor_id: str, actor_is_supervisor: bool) -> bool:
    """The unit leader: the head of the refusing clerk's department, or, where the department
    records no head, a supervisor."""
    return actor_id == head_staff_id if head_staff_id else actor_is_supervisor


def objection_open(refusal: IntakeRefusal, today: date) -> bool:
    return refusal.status is RefusalStatus.ISSUED and today <= refusal.objection_due_on


@dataclass(frozen=True)
class WrittenDecision:
    """不予受理决定书 (or the leader's written answer to an objection): title and paragraphs."""

    title: str
    number: str
    paragraphs: tuple[str, ...]
    issuer: str
    issued_on: date


def written_decision(
    refusal: IntakeRefusal,
    *,
    tracking_code: str,
    applicant_name: str,
    item_name: str,
    centre_name: str,
    submitted_on: date,
    refused_on: date,
    resolved_on: date | None,
) -> WrittenDecision:
    """The text the applicant receives; after a leader's confirmation it states that too."""
    body = [
        f"{applicant_name}:",
        f"你(单位)于{_cn(submitted_on)}提出的“{item_name}”申请(受理编号{tracking_code}),"
        f"经审查,{GROUND_LABEL[refusal.ground]}。",
        f"理由:{refusal.reason}",
        f"依据:{refusal.legal_basis}",
    ]
    if refusal.competent_agency:
        body.append(f"请向{refusal.competent_agency}提出申请。")
    body.append("根据《中华人民共和国行政许可法》第三十二条的规定,决定不予受理。")
    if refusal.status is RefusalStatus.ISSUED:
        body.append(
            f"如对本决定有异议,可于{_cn(refusal.objection_due_on)}前向窗口提出,窗口将报单位领导审查(否认报备)。"
        )
    if refusal.status is RefusalStatus.CONFIRMED and resolved_on is not None:
        body.append(f"你(单位)对本决定提出的异议,经单位领导于{_cn(resolved_on)}审查,维持不予受理决定。")
        if refusal.leader_note:
            body.append(f"审查意见:{refusal.leader_note}")
    body.append(REMEDIES)
    confirmed = refusal.status is RefusalStatus.CONFIRMED
    return WrittenDecision(
        title="不予受理决定书" + ("(异议审查后)" if confirmed else ""),
        number=f"不予受理〔{refused_on.year}〕{tracking_code}号",
        paragraphs=tuple(body),
        issuer=centre_name,
        issued_on=resolved_on if confirmed and resolved_on else refused_on,
    )


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
