"""Input types of catalogue administration and their conversion to domain values."""

from __future__ import annotations

import strawberry

from chalicelib.api.catalogue.deficiency_types import DeficiencyPolicyInput, to_policy
from chalicelib.api.catalogue.form_types import FormFieldInput, MaterialConditionInput, to_conditions, to_form
from chalicelib.api.catalogue.types import (
    CentreLevel,
    ItemKind,
    MaterialForm,
    MaterialKind,
    ProjectCategory,
    SpecialStepKind,
    TimeoutRule,
)
from chalicelib.api.relay import decode_id
from chalicelib.domain import catalogue as dc
from chalicelib.domain.emergency_handling import EmergencyHandlingTerms


@strawberry.input
class MaterialInput:
    code: str
    name: str
    kind: MaterialKind  # type: ignore[valid-type]
    form: MaterialForm  # type: ignore[valid-type]
    legal_basis: str
    copies: int = 1
    note: str = ""
    applies_when: list[MaterialConditionInput] = strawberry.field(
        default_factory=list, description="Demanded only when all hold; empty: always."
    )


@strawberry.input
class ProcedureStepInput:
    name: str
    description: str


@strawberry.input
class CoReviewerInput:
    department_id: strawberry.ID
    limit_days: int


@strawberry.input
class SpecialStepInput:
    kind: SpecialStepKind  # type: ignore[valid-type]
    name: str
    max_days: int
    counts_toward_limit: bool


@strawberry.input
class FeeInput:
    name: str
    amount_fen: int
    basis: str


@strawberry.input
class CertificateTypeInput:
    code: str
    name: str
    validity_years: int | None = None


@strawberry.input(description="告知承诺制 terms (seed 002 三(二), 004 二(四)).")
class ApprovalOnPledgeInput:
    verification_days: int
    bar_days: int
    liability: str


@strawberry.input(description="先予办理 permitted for the item (seed 004 二(三)), on this legal basis.")
class EmergencyHandlingInput:
    legal_basis: str = strawberry.field(description="The provision that allows handling before materials are complete.")


@strawberry.input(description="Every published element of a service item (seed 001).")
class ServiceItemElementsInput:
    name: str
    department_id: strawberry.ID
    level: CentreLevel  # type: ignore[valid-type]
    kind: ItemKind  # type: ignore[valid-type]
    conditions: list[str]
    materials: list[MaterialInput]
    procedure: list[ProcedureStepInput]
    statutory_limit_days: int
    promised_limit_days: int
    legal_basis: list[str]
    supervision_phone: str
    timeout_rule: TimeoutRule  # type: ignore[valid-type]
    co_reviewers: list[CoReviewerInput] = strawberry.field(default_factory=list)
    special_steps: list[SpecialStepInput] = strawberry.field(default_factory=list)
    fees: list[FeeInput] = strawberry.field(default_factory=list)
    certificate_type: CertificateTypeInput | None = None
    confidential: bool = strawberry.field(
        default=False, description="涉及国家秘密、商业秘密或个人隐私: the handling of its cases is not published."
    )
    supervising_department_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The line department that supervises holders after approval (审管联动); "
        "unset: the owning department.",
    )
    form: list[FormFieldInput] = strawberry.field(
        default_factory=list, description="申请表: the fields applications answer."
    )
    project_category: ProjectCategory | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Seed 004: major/investment projects may promise up to 30 working days."
    )
    deficiency: DeficiencyPolicyInput | None = strawberry.field(
        default=None,
        description="容缺办理/容缺后补 the item allows (seed 002); unset: 容缺办理 for any secondary material.",
    )
    approval_on_pledge: ApprovalOnPledgeInput | None = strawberry.field(
        default=None, description="告知承诺制: set to allow approval on the applicant's pledge."
    )
    emergency_handling: EmergencyHandlingInput | None = strawberry.field(
        default=None,
        description="先予办理: set (with its legal basis) only where the law allows handling an urgent case "
        "before its materials are complete; unset: not allowed.",
    )


def to_elements(value: ServiceItemElementsInput, prefix: str = "elements") -> dc.ItemElements:
    """Input -> domain elements; department IDs are decoded (INVALID_ID on a wrong type)."""
    return dc.ItemElements(
        name=value.name,
        department_id=decode_id(value.department_id, "Department", f"{prefix}.departmentId"),
        level=dc.CentreLevel(value.level),
        kind=dc.ItemKind(value.kind),
        conditions=tuple(value.conditions),
        materials=tuple(
            dc.Material(
                code=m.code,
                name=m.name,
                kind=dc.MaterialKind(m.kind),
                form=dc.MaterialForm(m.form),
                legal_basis=m.legal_basis,
                copies=m.copies,
                note=m.note,
                applies_when=to_conditions(m.applies_when),
            )
            for m in value.materials
        ),
        procedure=tuple(dc.ProcedureStep(s.name, s.description) for s in value.procedure),
        statutory_limit_days=value.statutory_limit_days,
        promised_limit_days=value.promised_limit_days,
        legal_basis=tuple(value.legal_basis),
        supervision_phone=value.supervision_phone,
        timeout_rule=dc.TimeoutRule(value.timeout_rule),
        co_reviewers=tuple(
            dc.CoReviewer(
                decode_id(c.department_id, "Department", f"{prefix}.coReviewers[{i}].departmentId"), c.limit_days
            )
            for i, c in enumerate(value.co_reviewers)
        ),
        special_steps=tuple(
            dc.SpecialStep(dc.SpecialStepKind(s.kind), s.name, s.max_days, s.counts_toward_limit)
            for s in value.special_steps
        ),
        fees=tuple(dc.Fee(f.name, f.amount_fen, f.basis) for f in value.fees),
        certificate_type=(
            dc.CertificateType(
                value.certificate_type.code, value.certificate_type.name, value.certificate_type.validity_years
            )
            if value.certificate_type
            else None
        ),
        confidential=value.confidential,
        supervising_department_id=(
            decode_id(value.supervising_department_id, "Department", f"{prefix}.supervisingDepartmentId")
            if value.supervising_department_id
            else None
        ),
        form=to_form(value.form),
        project_category=dc.ProjectCategory(value.project_category) if value.project_category else None,
        deficiency=to_policy(value.deficiency),
        approval_on_pledge=(
            dc.ApprovalOnPledgeTerms(
                value.approval_on_pledge.verification_days,
                value.approval_on_pledge.bar_days,
                value.approval_on_pledge.liability,
            )
            if value.approval_on_pledge
            else None
        ),
        emergency_handling=(
            EmergencyHandlingTerms(value.emergency_handling.legal_basis) if value.emergency_handling else None
        ),
    )
