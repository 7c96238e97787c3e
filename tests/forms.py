"""Valid answers to an item's application form (申请表), built from the form's own rules.

Filing helpers send them so that tests about other rules file a well-formed application; tests
about the form itself start from these and break single fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain.application_form import FieldType, FormField
from chalicelib.domain.identifiers import credit_code_check, resident_id_check

PERSON_ID = "33090219900101123" + resident_id_check("33090219900101123")
ORGANISATION_ID = "91330900MA2A1B2C3" + credit_code_check("91330900MA2A1B2C3")
PHONES = ("13812345678", "0580-2281234")


def answer(f: FormField) -> Any:
    """A value that meets every rule of the field."""
    if f.type is FieldType.PERSON_ID:
        return PERSON_ID
    if f.type is FieldType.ORGANISATION_ID:
        return ORGANISATION_ID
    if f.type is FieldType.BOOLEAN:
        return False
    if f.type is FieldType.CHOICE:
        return [f.choices[0].value] if f.multiple else f.choices[0].value
    if f.type is FieldType.DATE:
        return (f.earliest or f.latest or date(2026, 11, 2)).isoformat()
    if f.type in (FieldType.NUMBER, FieldType.AREA):
        low = f.minimum if f.minimum is not None else 1
        high = f.maximum if f.maximum is not None else low + 100
        value = low if f.integer or (f.type is FieldType.NUMBER and low == int(low)) else round(low, 2)
        return int(value) if value == int(value) and value <= high else value
    if f.pattern:
        return next(p for p in (*PHONES, "JY13309020012345", "ZS20261102") if _matches(f.pattern, p))
    text = "浙江省舟山市定海区临城街道千岛路100号" if f.type is FieldType.ADDRESS else f"{f.label}示例"
    return text[: f.max_length] if f.max_length else text


def _matches(pattern: str, value: str) -> bool:
    import re

    return re.fullmatch(pattern, value) is not None


def answers(form: tuple[FormField, ...], **overrides: Any) -> dict[str, Any]:
    """Every field answered validly (optional ones too), with `overrides` replacing some."""
    return {**{f.key: answer(f) for f in form}, **overrides}


def form_input(form: tuple[FormField, ...]) -> list[dict[str, Any]]:
    """A published form as `[FormFieldInput]` (to re-publish an item with its form unchanged)."""

    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(p.title() for p in rest)

    out = []
    for f in form:
        value: dict[str, Any] = {camel(k): v for k, v in f.__dict__.items() if k not in {"type", "choices"}}
        value.update(type=f.type.name, choices=[{"value": c.value, "label": c.label} for c in f.choices])
        for key in ("earliest", "latest"):
            if value[key] is not None:
                value[key] = value[key].isoformat()
        out.append(value)
    return out


def intake_elements_input(e: Any) -> dict[str, Any]:
    """The intake elements of a seeded item (form, project category, deficiency policy) as input."""
    policy = e.deficiency
    return {
        "form": form_input(e.form),
        "projectCategory": e.project_category.name if e.project_category else None,
        "deficiency": {
            "modes": [m.name for m in policy.modes],
            "materialCodes": list(policy.material_codes),
            "supplyDays": policy.supply_days,
        },
        "emergencyHandling": (
            {"legalBasis": e.emergency_handling.legal_basis} if e.emergency_handling is not None else None
        ),
    }


def conditions_input(material: Any) -> list[dict[str, Any]]:
    return [{"kind": c.kind.name, "field": c.field, "values": list(c.values)} for c in material.applies_when]
