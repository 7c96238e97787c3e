"""Emergency first handling (先予办理), seed 004 二(三): 「对情况紧急,按部就班就会造成损失的事项,在不违背
法律法规规定的前提下,可先予办理,事后再补办完善相关手续」.

A supervisor (电子监察, who answers for the exception) authorises handling an urgent submission
before its materials are complete, stating why it is urgent and the legal provision that allows
it, naming every material that must follow and the day by which it must. The case is accepted at
once; the follow-up is then a pledge like 容缺受理's (the applicant supplies, the certificate waits
for it, the sweep warns yellow and red on its due day), except that primary materials may be
among those following, and a missed follow-up is also a violation of the lead department (it
handled the case on the strength of it) besides the applicant's credit record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chalicelib.domain.errors import Violation

MAX_TEXT = 1000


class EmergencyCode:
    FOLLOW_UP_MISMATCH = "FOLLOW_UP_MISMATCH"
    FOLLOW_UP_TOO_LATE = "FOLLOW_UP_TOO_LATE"
    EMERGENCY_NOT_PERMITTED = "EMERGENCY_NOT_PERMITTED"


@dataclass(frozen=True)
class EmergencyHandlingTerms:
    """「在不违背法律法规规定的前提下」: the item permits 先予办理, and on which legal basis. Set by a
    catalogue administrator as one of the item's elements (published and versioned with it); an
    item without it never allows handling before the materials are complete."""

    legal_basis: str


def terms_problems(terms: EmergencyHandlingTerms | None, prefix: str) -> list[Violation]:
    """Catalogue check: a permission names the provision that allows it (codes of the catalogue enum)."""
    if terms is None:
        return []
    basis = terms.legal_basis.strip()
    if not basis:
        return [Violation("REQUIRED", "允许先予办理的法律依据不能为空", f"{prefix}.legalBasis")]
    if len(basis) > MAX_TEXT:
        return [Violation("TOO_LONG", f"允许先予办理的法律依据不能超过{MAX_TEXT}个字符", f"{prefix}.legalBasis")]
    return []


@dataclass(frozen=True)
class EmergencyAuthorisation:
    """Who authorised 先予办理, why, under which provision, and what must follow by when."""

    reason: str
    legal_basis: str
    material_codes: tuple[str, ...]
    due_on: date
    authorised_by: str
    authorised_at: str


def check(
    reason: str,
    legal_basis: str,
    material_codes: tuple[str, ...],
    missing: set[str],
    due_on: date,
    today: date,
    latest: date,
    permitted: EmergencyHandlingTerms | None = None,
) -> list[Violation]:
    """Every problem of an authorisation at once: the item permits 先予办理 (`permitted`, its
    catalogue terms), the urgency and the provision are stated, the follow-ups are exactly what is
    missing, and the due date is after today and no later than the item's statutory limit counted
    from today (`latest`)."""
    out: list[Violation] = []
    if permitted is None:
        out.append(
            Violation(
                EmergencyCode.EMERGENCY_NOT_PERMITTED,
                "事项清单未载明该事项可先予办理(无法律法规依据),不能在材料不全时先行办理",
                "id",
            )
        )
    for value, code, label, field in (
        (reason, "REASON_REQUIRED", "紧急情况说明", "reason"),
        (legal_basis, "LEGAL_BASIS_REQUIRED", "允许先予办理的法律依据", "legalBasis"),
    ):
        if not value.strip():
            out.append(Violation(code, f"请填写{label}", field))
        elif len(value.strip()) > MAX_TEXT:
            out.append(Violation("OUT_OF_RANGE", f"{label}不能超过{MAX_TEXT}个字符", field))
    if not missing:
        out.append(Violation(EmergencyCode.FOLLOW_UP_MISMATCH, "材料已齐全,无需先予办理,请直接受理", "materialCodes"))
    elif set(material_codes) != missing or len(set(material_codes)) != len(material_codes):
        listed = ", ".join(sorted(missing))
        out.append(Violation(EmergencyCode.FOLLOW_UP_MISMATCH, f"须逐项列明事后补办的材料:{listed}", "materialCodes"))
    if due_on <= today:
        out.append(Violation("PLEDGE_IN_PAST", "补办期限须晚于今天", "dueOn"))
    elif due_on > latest:
        out.append(
            Violation(EmergencyCode.FOLLOW_UP_TOO_LATE, f"补办期限不得晚于法定办理时限({latest.isoformat()})", "dueOn")
        )
    return out
