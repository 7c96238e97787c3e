"""GraphQL types of the certificate type registry: staff reference data (no personal data)."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import STAFF, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import certificate_type as dt

IssuingKind = strawberry.enum(
    dt.IssuingKind, name="IssuingKind", description="A licence (证照) or an approval letter (批文)."
)
CertificateLayout = strawberry.enum(
    dt.Layout, name="CertificateLayout", description="The named layouts a template uses."
)
NODE = "RegisteredCertificateType"  # the global ID type of a registered type
CaseFact = strawberry.enum(
    dt.CaseFact, name="CaseFact", description="A fact of the case a template field may show instead of a form answer."
)


@visible_to(STAFF)
@strawberry.type(description="One line of the template: its label and its source (a form field or a case fact).")
class TemplateField:
    label: str
    form_field: str | None = strawberry.field(description="A key of the item's application form (formData.<key>).")
    fact: CaseFact | None  # type: ignore[valid-type]

    @classmethod
    def from_domain(cls, f: dt.TemplateField) -> TemplateField:
        return cls(label=f.label, form_field=f.form_field or None, fact=f.fact)


@visible_to(STAFF)
@strawberry.type(description="交接: the owning department handed this version of the template to the bureau.")
class TemplateHandover:
    department_id: strawberry.ID
    by: str
    at: DateTime
    version: int


@visible_to(STAFF)
@strawberry.type(
    name="RegisteredCertificateType",
    description="证照类型 in the registry: a licence or approval-letter type with its template (seed 002 四(六)).",
)
class CertificateType:
    id: strawberry.ID
    code: str
    name: str
    kind: IssuingKind  # type: ignore[valid-type]
    department_id: strawberry.ID = strawberry.field(description="The owning line department (行业主管部门).")
    layout: CertificateLayout  # type: ignore[valid-type]
    fields: list[TemplateField]
    validity_years: int | None = strawberry.field(description="Counted from the decision date; null: 长期有效.")
    version: int = strawberry.field(description="Every change is a new version; certificates record theirs.")
    changed_by: str
    changed_at: DateTime
    reason: str
    handover: TemplateHandover | None = strawberry.field(description="Null until the department hands it over.")

    @classmethod
    def from_domain(cls, t: dt.CertificateType) -> CertificateType:
        h = t.handover
        return cls(
            id=global_id(NODE, t.code),
            code=t.code,
            name=t.name,
            kind=t.kind,
            department_id=global_id("Department", t.department_id),
            layout=t.layout,
            fields=[TemplateField.from_domain(f) for f in t.fields],
            validity_years=t.validity_years,
            version=t.version,
            changed_by=t.changed_by,
            changed_at=t.changed_at,
            reason=t.reason,
            handover=(
                TemplateHandover(
                    department_id=global_id("Department", h.department_id), by=h.by, at=h.at, version=h.version
                )
                if h
                else None
            ),
        )
