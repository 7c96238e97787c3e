"""Per-item deficiency policy: which of 容缺办理 and 容缺后补 an item allows, for which materials.

Seed 002 四(八): 「各业务部门根据业务办理要求梳理事项清单,明确可纳入实行容缺办理和容缺后补事项」 —
- 容缺办理 (WAIT): the window accepts with secondary materials missing under a credit pledge and
  the case is decided within the promised limit, but the certificate is issued only once every
  pledged material is in (「待申请人补正全部材料后,颁发相关批文、证照」);
- 容缺后补 (SAME_DAY): the applicant pledges to supply within the item's set time and the case is
  accepted, approved and the certificate issued the same day (「承诺规定时限内补齐补正全部材料,审批部门
  实行非主审要件缺项当天受理审批发证」). A pledge that then lapses is a credit default, and the
  certificate issued on it goes under review for revocation (「对严重失信的…给予联合惩戒」).
The policy names the secondary materials that may be missing (none named: every secondary one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chalicelib.domain.errors import DomainError, Violation

MAX_SUPPLY_DAYS = 60
MAX_NOTE = 1000


class DeficiencyMode(StrEnum):
    WAIT = "wait"  # 容缺办理: the certificate waits for the pledged materials
    SAME_DAY = "same_day"  # 容缺后补: approved and issued the same day, materials follow


@dataclass(frozen=True)
class DeficiencyPolicy:
    """Defaults keep what every item allowed before policies existed: 容缺办理 for any secondary material."""

    modes: tuple[DeficiencyMode, ...] = (DeficiencyMode.WAIT,)
    material_codes: tuple[str, ...] = ()  # the secondary materials that may be missing; empty: all of them
    supply_days: int = 0  # 容缺后补: working days the applicant has to supply what is missing


class DeficiencyPolicyCode:
    """Catalogue errors of a policy (the catalogue error enum includes them)."""

    DEFICIENCY_POLICY_MATERIAL = "DEFICIENCY_POLICY_MATERIAL"
    DEFICIENCY_POLICY_SUPPLY_DAYS = "DEFICIENCY_POLICY_SUPPLY_DAYS"


class DeficiencyCode:
    """Application errors of a deficiency acceptance (the application error enum includes them)."""

    DEFICIENCY_MODE_NOT_ALLOWED = "DEFICIENCY_MODE_NOT_ALLOWED"
    DEFICIENCY_NOT_ALLOWED = "DEFICIENCY_NOT_ALLOWED"
    PLEDGE_AFTER_SUPPLY_LIMIT = "PLEDGE_AFTER_SUPPLY_LIMIT"
    REVIEW_NOT_OPEN = "REVIEW_NOT_OPEN"  # no open revocation review to close


MODE_NAMES = {DeficiencyMode.WAIT: "容缺办理", DeficiencyMode.SAME_DAY: "容缺后补"}


def limit_days(mode: DeficiencyMode | None, days: int) -> int:
    """The working days a case accepted under `mode` has for its decision (and each department
    for its review): 容缺后补 is 「当天受理审批发证」, so none — due the day it is accepted (the
    clock's zero-day deadline is the acceptance day itself); otherwise the item's own limit."""
    return 0 if mode is DeficiencyMode.SAME_DAY else days


def policy_problems(
    policy: DeficiencyPolicy, secondary: Iterable[str], known: Iterable[str], prefix: str
) -> list[Violation]:
    """Every problem of an item's policy against the item's own materials."""
    out: list[Violation] = []
    secondary_codes, known_codes = set(secondary), set(known)
    if len(set(policy.modes)) != len(policy.modes):
        out.append(Violation("DUPLICATE", "容缺方式重复", f"{prefix}.modes"))
    for i, code in enumerate(policy.material_codes):
        if code not in known_codes:
            out.append(
                Violation(
                    DeficiencyPolicyCode.DEFICIENCY_POLICY_MATERIAL,
                    f"材料{code}不属于该事项",
                    f"{prefix}.materialCodes[{i}]",
                )
            )
        elif code not in secondary_codes:
            out.append(
                Violation(
                    DeficiencyPolicyCode.DEFICIENCY_POLICY_MATERIAL,
                    f"材料{code}是主要材料,不能容缺",
                    f"{prefix}.materialCodes[{i}]",
                )
            )
    if len(set(policy.material_codes)) != len(policy.material_codes):
        out.append(Violation("DUPLICATE", "容缺材料重复", f"{prefix}.materialCodes"))
    if DeficiencyMode.SAME_DAY in policy.modes and not 1 <= policy.supply_days <= MAX_SUPPLY_DAYS:
        out.append(
            Violation(
                DeficiencyPolicyCode.DEFICIENCY_POLICY_SUPPLY_DAYS,
                f"容缺后补须规定补齐期限(1至{MAX_SUPPLY_DAYS}个工作日)",
                f"{prefix}.supplyDays",
            )
        )
    if DeficiencyMode.SAME_DAY not in policy.modes and policy.supply_days:
        out.append(
            Violation(
                DeficiencyPolicyCode.DEFICIENCY_POLICY_SUPPLY_DAYS,
                "只有容缺后补需要规定补齐期限",
                f"{prefix}.supplyDays",
            )
        )
    return out


def check_deficiency(policy: DeficiencyPolicy, mode: DeficiencyMode, missing: Iterable[str]) -> None:
    """The item allows this mode and every missing material may be missing (all problems at once)."""
    problems: list[Violation] = []
    if mode not in policy.modes:
        allowed = "、".join(MODE_NAMES[m] for m in policy.modes) or "容缺受理"
        message = f"该事项不适用{MODE_NAMES[mode]}" + (
            f"(可用:{allowed})" if policy.modes else "(该事项不实行容缺受理)"
        )
        problems.append(Violation(DeficiencyCode.DEFICIENCY_MODE_NOT_ALLOWED, message, "mode"))
    if policy.material_codes:
        refused = sorted(set(missing) - set(policy.material_codes))
        if refused:
            problems.append(
                Violation(
                    DeficiencyCode.DEFICIENCY_NOT_ALLOWED,
                    f"事项清单未将{', '.join(refused)}列为可容缺材料(可容缺:{', '.join(policy.material_codes)})",
                    "missingMaterialCodes",
                )
            )
    if problems:
        raise DomainError(problems)


class ReviewOutcome(StrEnum):
    REVOKED = "revoked"  # the certificate was revoked
    SUPPLIED_LATE = "supplied_late"  # the materials came after all; the credit default stays
    KEPT = "kept"  # the bureau closed the review keeping the certificate (a reason is recorded)


@dataclass(frozen=True)
class RevocationReview:
    """A certificate issued under 容缺后补 whose pledge lapsed: the bureau must decide on revocation."""

    certificate_id: str
    opened_at: str
    reason: str
    closed_at: str | None = None
    outcome: ReviewOutcome | None = None
    closed_by: str | None = None  # who closed it (the bureau keeping the certificate)
    note: str = ""  # why the certificate is kept

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def open_review(certificate_id: str, due_on: date, at: str) -> RevocationReview:
    return RevocationReview(certificate_id, at, f"容缺后补承诺{due_on.isoformat()}前补齐材料未履行,证照转入撤销审查")


def close_review(review: RevocationReview | None, outcome: ReviewOutcome, at: str) -> RevocationReview | None:
    """Closes an open review; anything else is returned unchanged."""
    if review is None or not review.is_open:
        return review
    return RevocationReview(review.certificate_id, review.opened_at, review.reason, at, outcome)


def keep_certificate(review: RevocationReview | None, by: str, note: str, at: str) -> RevocationReview:
    """The bureau ends the review without revoking: the lapse stays a credit default, the
    certificate stays valid, and the reason it is kept is recorded (revoking stays possible through
    the certificate's own revocation, before or after)."""
    if review is None or not review.is_open:
        raise DomainError.one(DeficiencyCode.REVIEW_NOT_OPEN, "该办件没有待结束的证照撤销审查", "id")
    text = note.strip()
    if not text:
        raise DomainError.one("REASON_REQUIRED", "请说明保留证照的理由", "reason")
    if len(text) > MAX_NOTE:
        raise DomainError.one("OUT_OF_RANGE", f"理由不能超过{MAX_NOTE}个字符", "reason")
    return RevocationReview(review.certificate_id, review.opened_at, review.reason, at, ReviewOutcome.KEPT, by, text)
