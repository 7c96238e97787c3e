"""Conditional materials: a material the catalogue demands only in some cases, as data.

Seed 001 publishes materials per item; many apply only sometimes — a power of attorney only
when an agent files (「本人办理的无需提交」), an organisation's papers only of a legal person, a
document only when the form says a special circumstance applies. A material lists its
conditions (all must hold); intake, the one-time notice and deficiency acceptance then demand
only what applies to this application. Conditions are checked against the item's form when the
item is published, so one never names a field that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.application_form import FieldType, FormField, FormValue
from chalicelib.domain.errors import Violation
from chalicelib.domain.identifiers import IdentifierKind

MAX_CONDITIONS = 5
MAX_VALUES = 20


class ConditionKind(StrEnum):
    FILED_BY_AGENT = "filed_by_agent"  # 代办: someone the applicant authorised filed for them
    APPLICANT_LEGAL_PERSON = "applicant_legal_person"  # identified by a unified social credit code
    APPLICANT_NATURAL_PERSON = "applicant_natural_person"  # identified by a resident ID number
    FORM_ANSWER_IN = "form_answer_in"  # a form field's answer is one of `values`
    SPECIAL_CIRCUMSTANCE = "special_circumstance"  # a yes/no form field (特殊情形) is answered yes


@dataclass(frozen=True)
class MaterialCondition:
    kind: ConditionKind
    field: str = ""  # FORM_ANSWER_IN, SPECIAL_CIRCUMSTANCE: the form field's key
    values: tuple[str, ...] = ()  # FORM_ANSWER_IN


class ConditionCode:
    """Catalogue errors of material conditions (the catalogue error enum includes them)."""

    CONDITION_UNKNOWN_FIELD = "CONDITION_UNKNOWN_FIELD"
    CONDITION_FIELD_TYPE = "CONDITION_FIELD_TYPE"
    CONDITION_VALUES = "CONDITION_VALUES"
    CONDITION_CONTRADICTORY = "CONDITION_CONTRADICTORY"


class ApplicabilityCode:
    """Application errors about materials that do not apply (the application error enum includes them)."""

    MATERIAL_NOT_APPLICABLE = "MATERIAL_NOT_APPLICABLE"


_NEEDS_FIELD = frozenset({ConditionKind.FORM_ANSWER_IN, ConditionKind.SPECIAL_CIRCUMSTANCE})


@dataclass(frozen=True)
class Circumstances:
    """What the conditions look at in one application."""

    filed_by_agent: bool
    applicant_kind: IdentifierKind | None  # None: the identifier is neither kind (not verified)
    answers: Mapping[str, FormValue]


def condition_problems(
    conditions: tuple[MaterialCondition, ...], form: tuple[FormField, ...], prefix: str
) -> list[Violation]:
    """Every problem of one material's conditions against the item's own form."""
    out: list[Violation] = []
    if len(conditions) > MAX_CONDITIONS:
        out.append(Violation("TOO_MANY", f"适用条件不能超过{MAX_CONDITIONS}项", prefix))
    fields = {f.key: f for f in form}
    kinds = {c.kind for c in conditions}
    if {ConditionKind.APPLICANT_LEGAL_PERSON, ConditionKind.APPLICANT_NATURAL_PERSON} <= kinds:
        out.append(
            Violation(ConditionCode.CONDITION_CONTRADICTORY, "申请人不能同时是法人和自然人,该材料永远不适用", prefix)
        )
    for i, c in enumerate(conditions[:MAX_CONDITIONS]):
        p = f"{prefix}[{i}]"
        if c.kind not in _NEEDS_FIELD:
            if c.field or c.values:
                out.append(Violation(ConditionCode.CONDITION_VALUES, "此类条件不引用申请表字段", f"{p}.field"))
            continue
        target = fields.get(c.field)
        if target is None:
            out.append(
                Violation(ConditionCode.CONDITION_UNKNOWN_FIELD, f"条件引用的申请表字段“{c.field}”不存在", f"{p}.field")
            )
            continue
        if c.kind is ConditionKind.SPECIAL_CIRCUMSTANCE:
            if target.type is not FieldType.BOOLEAN:
                out.append(
                    Violation(
                        ConditionCode.CONDITION_FIELD_TYPE,
                        f"特殊情形须引用是/否字段,“{target.label}”不是",
                        f"{p}.field",
                    )
                )
            if c.values:
                out.append(Violation(ConditionCode.CONDITION_VALUES, "特殊情形条件不设取值", f"{p}.values"))
            continue
        if target.type is FieldType.BOOLEAN:
            out.append(Violation(ConditionCode.CONDITION_FIELD_TYPE, "是/否字段请使用特殊情形条件", f"{p}.field"))
        if not c.values or len(c.values) > MAX_VALUES:
            out.append(Violation(ConditionCode.CONDITION_VALUES, f"请列出1至{MAX_VALUES}个取值", f"{p}.values"))
        elif target.type is FieldType.CHOICE:
            allowed = {choice.value for choice in target.choices}
            unknown = [v for v in c.values if v not in allowed]
            if unknown:
                out.append(
                    Violation(
                        ConditionCode.CONDITION_VALUES,
                        f"“{target.label}”没有选项:{', '.join(unknown[:5])}",
                        f"{p}.values",
                    )
                )
    return out


def applies(conditions: tuple[MaterialCondition, ...], here: Circumstances) -> bool:
    """All conditions hold. An applicant whose identifier is neither kind meets both person
    conditions: when in doubt the window asks for the paper rather than skip it."""
    return all(_holds(c, here) for c in conditions)


def _holds(c: MaterialCondition, here: Circumstances) -> bool:
    if c.kind is ConditionKind.FILED_BY_AGENT:
        return here.filed_by_agent
    if c.kind is ConditionKind.APPLICANT_LEGAL_PERSON:
        return here.applicant_kind is not IdentifierKind.RESIDENT_ID
    if c.kind is ConditionKind.APPLICANT_NATURAL_PERSON:
        return here.applicant_kind is not IdentifierKind.CREDIT_CODE
    answer = here.answers.get(c.field)
    if c.kind is ConditionKind.SPECIAL_CIRCUMSTANCE:
        return answer is True
    picked = answer if isinstance(answer, list) else [] if answer is None else [answer]
    return any(_spelled(v) in c.values for v in picked)


def _spelled(value: object) -> str:
    """How an answer compares with a condition's values (numbers without a trailing .0)."""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
