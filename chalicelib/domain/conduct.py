"""Staff conduct ledger (seed 004 四.2): lapses charged to a window person by name.

「对窗口工作人员在办件中不履行"首问负责制、一次性告知制、否认报备制"等相关规定和在日常工作中违反
"四条禁令"及窗口工作人员行为规范等相关纪律制度要求的,第一次由"中心"通报批评,第二次退回原单位。」

Incidents are numbered within the person's calendar year: the first is a 通报批评, the second and
later ones return the person to the unit (their posting ends; the post's open work is then held by
its backup). The unit ledger (domain/supervision.py) stays as it is; an automatic entry names the
unit violation it came with.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.errors import DomainError, Violation

MAX_EVIDENCE = 2000


class ConductCode:
    EVIDENCE_REQUIRED = "EVIDENCE_REQUIRED"
    TOO_LONG = "TOO_LONG"
    NOT_MANUAL = "NOT_MANUAL"
    NOT_FOUND = "NOT_FOUND"
    OUT_OF_RANGE = "OUT_OF_RANGE"


class ConductKind(StrEnum):
    # entered by supervisors, with evidence
    FOUR_PROHIBITIONS = "four_prohibitions"  # 四条禁令
    CONDUCT_RULES = "conduct_rules"  # 窗口工作人员行为规范
    FIRST_CONTACT = "first_contact"  # 首问负责制: did not answer or refer
    ONE_TIME_NOTICE = "one_time_notice"  # 一次性告知制: the notice left something out
    REJECTION_REPORT = "rejection_report"  # 否认报备制: refused without a report
    UNAUTHORISED_ABSENCE = "unauthorised_absence"  # 擅自离岗 (作旷工处理)
    # written by the system, in the same transaction as the unit violation
    REJECTION_CORRECTED = "rejection_corrected"  # the person's refusal was corrected on review
    WARNING_IGNORED = "warning_ignored"  # a yellow warning addressed to the person went unanswered


AUTOMATIC = frozenset({ConductKind.REJECTION_CORRECTED, ConductKind.WARNING_IGNORED})

KIND_LABEL = {
    ConductKind.FOUR_PROHIBITIONS: "违反“四条禁令”",
    ConductKind.CONDUCT_RULES: "违反窗口工作人员行为规范",
    ConductKind.FIRST_CONTACT: "未履行首问负责制",
    ConductKind.ONE_TIME_NOTICE: "未履行一次性告知制",
    ConductKind.REJECTION_REPORT: "未履行否认报备制",
    ConductKind.UNAUTHORISED_ABSENCE: "擅自离岗",
    ConductKind.REJECTION_CORRECTED: "不予许可决定经审查被纠正",
    ConductKind.WARNING_IGNORED: "对电子监察预警未予处理",
}


class Consequence(StrEnum):
    NOTICE = "notice"  # 第一次: 中心通报批评
    RETURN_TO_UNIT = "return_to_unit"  # 第二次: 退回原单位


def consequence_for(ordinal: int) -> Consequence:
    return Consequence.NOTICE if ordinal <= 1 else Consequence.RETURN_TO_UNIT


@dataclass(frozen=True)
class StaffViolation:
    id: str
    staff_id: str
    department_id: str  # the person's unit (the unit ledger's subject where there is one)
    kind: ConductKind
    at: str
    evidence: str
    recorded_by: str  # a supervisor, or "system"
    ordinal: int = 1
    consequence: Consequence = Consequence.NOTICE
    application_id: str = ""
    unit_violation: str = ""  # `<department>/<ledger key>` of the unit violation it came with

    @property
    def label(self) -> str:
        return KIND_LABEL[self.kind]


def check_manual(kind: ConductKind, evidence: str) -> str:
    """A supervisor's entry: a manual kind, with evidence text (all problems at once)."""
    v: list[Violation] = []
    text = evidence.strip()
    if kind in AUTOMATIC:
        v.append(Violation(ConductCode.NOT_MANUAL, "该类违规由系统自动记录,不能手工录入", "kind"))
    if not text:
        v.append(Violation(ConductCode.EVIDENCE_REQUIRED, "请填写违规事实和证据", "evidence"))
    elif len(text) > MAX_EVIDENCE:
        v.append(Violation(ConductCode.TOO_LONG, f"证据说明不能超过{MAX_EVIDENCE}个字符", "evidence"))
    if v:
        raise DomainError(v)
    return text


def bulletin_text(violation: StaffViolation, staff_name: str, department_name: str) -> str:
    """The 通报 (or the return notice) a person's incident produces (seed 004 四.2)."""
    day = violation.at[:10]
    if violation.consequence is Consequence.NOTICE:
        return (
            f"关于对{department_name}{staff_name}同志的通报批评:经查,{staff_name}同志于{day}{violation.label}。"
            f"事实:{violation.evidence}。根据效能建设有关规定,系本年度第{violation.ordinal}次,"
            "现予以通报批评,责成其所在单位督促整改。"
        )
    return (
        f"关于将{staff_name}同志退回{department_name}的通报:经查,{staff_name}同志于{day}{violation.label}。"
        f"事实:{violation.evidence}。系本年度第{violation.ordinal}次违反效能建设规定,"
        "根据效能建设有关规定,退回原单位,请原单位立即另行选派符合条件的人员。"
    )
