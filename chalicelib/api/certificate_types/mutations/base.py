"""What every certificate type mutation shares: the input of a template, the payload, the catch."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from chalicelib.api.certificate_types.errors import CertificateTypeError, catch
from chalicelib.api.certificate_types.types import CaseFact, CertificateLayout, CertificateType, IssuingKind
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import certificate_type as dt


@strawberry.input(description="One template line: a label and exactly one of formField and fact.")
class TemplateFieldInput:
    label: str
    form_field: str | None = None
    fact: CaseFact | None = None  # type: ignore[valid-type]


@strawberry.input(description="A certificate type's template as a whole (every change is a new version).")
class CertificateTypeTemplateInput:
    name: str
    kind: IssuingKind  # type: ignore[valid-type]
    department_id: strawberry.ID
    layout: CertificateLayout  # type: ignore[valid-type]
    fields: list[TemplateFieldInput]
    validity_years: int | None = None


def draft(code: str, value: CertificateTypeTemplateInput) -> dt.CertificateTypeDraft:
    return dt.CertificateTypeDraft(
        code=code.strip(),
        name=value.name,
        kind=dt.IssuingKind(value.kind),
        department_id=decode_id(value.department_id, "Department", "departmentId"),
        layout=dt.Layout(value.layout),
        fields=tuple(
            dt.TemplateField(f.label, f.form_field or "", dt.CaseFact(f.fact) if f.fact is not None else None)
            for f in value.fields
        ),
        validity_years=value.validity_years,
    )


@visible_to(AUTHENTICATED)
@strawberry.type
class CertificateTypePayload:
    certificate_type: CertificateType | None
    user_errors: list[CertificateTypeError]


def run(cls: type[CertificateTypePayload], action: Callable[[], dt.CertificateType]) -> CertificateTypePayload:
    found, errors = catch(action)
    return cls(certificate_type=CertificateType.from_domain(found) if found else None, user_errors=errors)
