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
    WARNING_IGNORED = "warning_ignored"  # a yellow warning addressed to the person's post went unanswered
    NOTICE_INCOMPLETE = "notice_incomplete"  # a later notice asked for what the first one could have
    NOT_REFERRED = "not_referred"  # 首问: answered an enquiry outside their remit instead of referring it


AUTOMATIC = frozenset(
    {
        ConductKind.REJECTION_CORRECTED,
        ConductKind.WARNING_IGNORED,
        ConductKind.NOTICE_INCOMPLETE,
        ConductKind.NOT_REFERRED,
    }
)

KIND_LABEL = {
    ConductKind.FOUR_PROHIBITIONS: "违反“四条禁令”",
    ConductKind.CONDUCT_RULES: "违反窗口工作人员行为规范",
    ConductKind.FIRST_CONTACT: "未履行首问负责制",
    ConductKind.ONE_TIME_NOTICE: "未履行一次性告知制",
    ConductKind.REJECTION_REPORT: "未履行否认报备制",
    ConductKind.UNAUTHORISED_ABSENCE: "擅自离岗",
    ConductKind.REJECTION_CORRECTED: "不予许可决定经审查被纠正",
    ConductKind.WARNING_IGNORED: "对电子监察预警未予处理",
    ConductKind.NOTICE_INCOMPLETE: "未履行一次性告知制(首次告知遗漏,致再次要求补正)",
    ConductKind.NOT_REFERRED: "未履行首问负责制(对职责范围外的事项未引导至承办窗口)",
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


# --- automatic charges: what the system itself can prove (seed 004 二(五), 四.2) -------------------


def charge_id(key: str) -> str:
    """A charge's id from what proves it, so a retried command or a second sweep finds it again."""
    import hashlib

    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class NoticeLapse:
    """A one-time notice that left out a material a later notice had to ask for (一次告知制)."""

    issued_by: str
    notice_round: int
    issued_at: str
    material_codes: tuple[str, ...]


def notice_lapses(
    earlier: tuple[tuple[int, str, str, frozenset[str]], ...],
    material_rounds: dict[str, int],
    demanded: tuple[str, ...],
) -> list[NoticeLapse]:
    """Which earlier notice should have listed each material a new notice demands.

    `earlier` holds the case's notices so far as (round, issued by, issued at, codes listed);
    `material_rounds` the submission round each material on file was last supplied in. A demand
    is a lapse of the first notice issued on or after the material was supplied (it had the
    material before it and did not ask); a material listed before, or supplied after the last
    notice (new in this round), is none. Seed 004 二(五): 「应一次性告知需要补办的手续、材料」.
    """
    if not earlier:
        return []
    listed = set().union(*(codes for _, _, _, codes in earlier))
    last_round = max(r for r, _, _, _ in earlier)
    by_notice: dict[int, list[str]] = {}
    for code in sorted(set(demanded) - listed):
        supplied = material_rounds.get(code, 1)
        if supplied > last_round:
            continue  # supplied after every earlier notice: nothing could have been asked
        index = next(i for i, (r, _, _, _) in enumerate(earlier) if r >= supplied)
        by_notice.setdefault(index, []).append(code)
    return [
        NoticeLapse(earlier[i][1], earlier[i][0], earlier[i][2], tuple(codes)) for i, codes in sorted(by_notice.items())
    ]


def outside_remit(officer_department: str, serves_every_department: bool, case_departments: set[str]) -> bool:
    """首问负责制 (seed 004 二(五)): a matter is within the first-contact officer's remit when it is
    their own department's, or when they sit at a comprehensive window (一窗受理: it serves every
    department). Outside it, the rule is to refer the person to the window that handles it."""
    return not serves_every_department and officer_department not in case_departments
