"""Seed the certificate type registry from `infra/seed/certificate_types.json` (seed 002 四(六)).

Each type is checked as a department's save would be (the template itself, its owning department,
and every form key against the forms of the seeded items that issue it), stored as version 1 and
recorded as handed over (交接) by its owning department to the bureau at the seeding time, so the
seeded items can be issued. Types already stored are left alone (changes go through the API).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from chalicelib.domain import catalogue as dc
from chalicelib.domain import certificate_type as dt
from chalicelib.domain.errors import DomainError
from chalicelib.storage.certificate_type_repository import CertificateTypeRepository
from chalicelib.storage.codec import decode_as

TYPES_FILE = Path(__file__).parent / "seed" / "certificate_types.json"
REASON = "统一制证:行业主管部门移交证照模板(初始导入)"


@dataclass(frozen=True)
class _SeedTypes:
    types: tuple[dt.CertificateTypeDraft, ...]


def load(path: Path = TYPES_FILE) -> tuple[dt.CertificateTypeDraft, ...]:
    return decode_as(_SeedTypes, json.loads(path.read_text(encoding="utf-8"))).types


def check(
    drafts: Sequence[dt.CertificateTypeDraft], items: Iterable[dc.ServiceItem], departments: Iterable[str]
) -> None:
    """Every problem of every type at once (ValueError naming the type and path); every
    certificate type an item names must be in the file."""
    known = set(departments)
    item_list = list(items)
    problems: list[str] = []
    codes = [d.code for d in drafts]
    if len(codes) != len(set(codes)):
        problems.append("duplicate certificate type codes")
    for draft in drafts:
        forms = {
            i.code: [f.key for f in i.elements.form]
            for i in item_list
            if i.elements.certificate_type is not None and i.elements.certificate_type.code == draft.code
        }
        found = dt.draft_problems(draft, known) + dt.form_problems(draft.fields, forms)
        problems += [f"{draft.code}.{v.field}: {v.code} {v.message}" for v in found]
    named = {i.elements.certificate_type.code for i in item_list if i.elements.certificate_type is not None}
    problems += [f"{code}: an item issues it but it has no template" for code in sorted(named - set(codes))]
    if problems:
        raise ValueError("certificate types: " + "; ".join(problems))


def handed_over(drafts: Sequence[dt.CertificateTypeDraft], by: str, at: str) -> list[dt.CertificateType]:
    """Version 1 of each type, handed over by its department at `at` (recorded with `by`)."""
    out = []
    for draft in drafts:
        created = dt.create(draft, by, at, REASON)
        out.append(replace(created, handover=dt.TemplateHandover(draft.department_id, by, at, created.version)))
    return out


def apply(drafts: Sequence[dt.CertificateTypeDraft], by: str, at: str) -> int:
    """Write the types not stored yet; returns how many."""
    try:
        return CertificateTypeRepository().import_types(handed_over(drafts, by, at))
    except DomainError as error:  # pragma: no cover - the file was checked first
        raise ValueError(str(error)) from error
