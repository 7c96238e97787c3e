"""GraphQL types and inputs of application forms (申请表) and material conditions.

Both are catalogue elements (public, versioned with the item); they live apart from
`types.py`/`inputs.py` because they are concepts of their own (`domain/application_form.py`,
`domain/material_condition.py`).
"""

from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.domain import application_form as df
from chalicelib.domain import material_condition as dm

FormFieldType = strawberry.enum(df.FieldType, name="FormFieldType")
MaterialConditionKind = strawberry.enum(dm.ConditionKind, name="MaterialConditionKind")


@visible_to(PUBLIC)
@strawberry.type
class FormChoice:
    value: str
    label: str


@visible_to(PUBLIC)
@strawberry.type(description="One field of the item's application form with its rules.")
class FormField:
    key: str = strawberry.field(description="What `formData` names the answer by.")
    label: str
    type: FormFieldType  # type: ignore[valid-type]
    required: bool
    help: str
    minimum: float | None
    maximum: float | None
    integer: bool
    min_length: int | None
    max_length: int | None
    pattern: str
    choices: list[FormChoice]
    multiple: bool
    earliest: date | None
    latest: date | None

    @classmethod
    def from_domain(cls, f: df.FormField) -> FormField:
        return cls(
            **{**f.__dict__, "choices": [FormChoice(value=c.value, label=c.label) for c in f.choices]},
        )


@visible_to(PUBLIC)
@strawberry.type(description="When a material applies; a material lists conditions that must all hold.")
class MaterialCondition:
    kind: MaterialConditionKind  # type: ignore[valid-type]
    field: str = strawberry.field(description="The form field's key (form answers and special circumstances).")
    values: list[str]

    @classmethod
    def from_domain(cls, c: dm.MaterialCondition) -> MaterialCondition:
        return cls(kind=c.kind, field=c.field, values=list(c.values))


@strawberry.input
class FormChoiceInput:
    value: str
    label: str


@strawberry.input(description="A form field; rules that do not fit the type are refused (FORM_RULE_MISMATCH).")
class FormFieldInput:
    key: str
    label: str
    type: FormFieldType  # type: ignore[valid-type]
    required: bool = True
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str = ""
    choices: list[FormChoiceInput] = strawberry.field(default_factory=list)
    multiple: bool = False
    earliest: date | None = None
    latest: date | None = None


@strawberry.input
class MaterialConditionInput:
    kind: MaterialConditionKind  # type: ignore[valid-type]
    field: str = ""
    values: list[str] = strawberry.field(default_factory=list)


def to_form(fields: list[FormFieldInput]) -> tuple[df.FormField, ...]:
    return tuple(
        df.FormField(
            **{
                **{k: getattr(f, k) for k in df.FormField.__dataclass_fields__ if k not in {"type", "choices"}},
                "type": df.FieldType(f.type),
                "choices": tuple(df.FormChoice(c.value, c.label) for c in f.choices),
            }
        )
        for f in fields[: df.MAX_FIELDS + 1]
    )


def to_conditions(conditions: list[MaterialConditionInput]) -> tuple[dm.MaterialCondition, ...]:
    return tuple(
        dm.MaterialCondition(dm.ConditionKind(c.kind), c.field.strip(), tuple(c.values))
        for c in conditions[: dm.MAX_CONDITIONS + 1]
    )
