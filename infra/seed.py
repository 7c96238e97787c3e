"""Seed the catalogue and demo users from `infra/seed/catalogue.json`.

Idempotent: staff and posts are upserted; centres, departments and items already present are left
alone (administrators change them through the API, versioned), so running the
local stack twice neither duplicates nor overwrites anything. Every item goes through the same
domain validation and versioning as an administrator's change (version 1 = ADD by the seeder,
then one DELEGATE version per delegated centre, naming its receiving department).

    python -m infra.seed --check     # validate the file only, no database
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from chalicelib.domain import catalogue as dc
from chalicelib.domain import certificate_type as dt
from chalicelib.domain import organisation as org
from chalicelib.domain.identity import Role
from chalicelib.domain.licence_identifier import valid_issuer_code
from chalicelib.domain.staff import seeded_standing
from chalicelib.domain.verified_identity import classify
from chalicelib.services.clock import now_iso
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.codec import decode_as
from chalicelib.storage.organisation_repository import OrganisationRepository
from infra import certificate_type_seed

SEED_FILE = Path(__file__).parent / "seed" / "catalogue.json"
SEEDER = "system-seed"


@dataclass(frozen=True)
class DemoUser:
    """A non-staff demo user (applicant or proxy agent) for the local token command."""

    id: str
    name: str
    roles: frozenset[Role]
    # What the portal's real-name authentication verified (the token's `custom:identifier`).
    identifier: str = ""


@dataclass(frozen=True)
class SeedItem:
    code: str
    elements: dc.ItemElements
    delegations: tuple[dc.Delegation, ...] = ()  # 同权审批: each with its receiving lead department

    @property
    def delegated_centre_ids(self) -> tuple[str, ...]:
        return tuple(d.centre_id for d in self.delegations)


@dataclass(frozen=True)
class Seed:
    centres: tuple[dc.Centre, ...]
    departments: tuple[dc.Department, ...]
    staff: tuple[dc.Staff, ...]
    posts: tuple[dc.WindowPost, ...]
    users: tuple[DemoUser, ...]
    items: tuple[SeedItem, ...]
    # 证照类型与模板 (seed 002 四(六)), from infra/seed/certificate_types.json
    certificate_types: tuple[dt.CertificateTypeDraft, ...] = ()


def load(path: Path = SEED_FILE) -> Seed:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return replace(decode_as(Seed, data), certificate_types=certificate_type_seed.load())


def check(seed: Seed) -> list[dc.ItemVersion]:
    """Validate the whole file as the domain would; returns the versions it would publish."""
    centres = {c.id: c for c in seed.centres}
    departments = {d.id: d for d in seed.departments}
    dc.validate_hierarchy(centres)
    for user in seed.users:  # GB 11643 / GB 32100 check digits (raises DomainError)
        if user.identifier:
            classify(user.identifier, f"users.{user.id}.identifier")
    for department in seed.departments:  # GB/T 36904: a bureau's licences name its credit code
        if department.kind is org.DepartmentKind.BUREAU:
            if not valid_issuer_code(department.credit_code):
                raise ValueError(f"department {department.id}: a bureau needs a valid unified social credit code")
            if not (len(department.division_code) == 6 and department.division_code.isdigit()):
                raise ValueError(f"department {department.id}: a bureau needs its 6-digit division code")
    staff_ids = {s.id for s in seed.staff}
    for post in seed.posts:
        if post.staff_id not in staff_ids or post.backup_staff_id not in staff_ids:
            raise ValueError(f"post {post.id}: staff or AB backup unknown")
        if post.staff_id == post.backup_staff_id:
            raise ValueError(f"post {post.id}: the AB backup must be another person")
    versions: list[dc.ItemVersion] = []
    for item in seed.items:
        ctx = dc.ChangeContext(SEEDER, now_iso(), "初始事项清单导入", departments, centres)
        version = dc.add_item(item.code, item.elements, ctx)
        versions.append(version)
        for delegation in item.delegations:
            ctx = dc.ChangeContext(SEEDER, now_iso(), "职权下放", departments, centres)
            version = dc.delegate_item(
                version.item,
                delegation.centre_id,
                ctx,
                None,
                lead_department_id=delegation.lead_department_id,
                co_reviewers=delegation.co_reviewers,
            )
            versions.append(version)
    codes = [i.code for i in seed.items]
    if len(codes) != len(set(codes)):
        raise ValueError("duplicate item codes in seed")
    certificate_type_seed.check(seed.certificate_types, (v.item for v in versions), departments)
    return versions


def apply(seed: Seed, repo: CatalogueRepository | None = None) -> int:
    """Write the seed; returns how many items were newly published."""
    repo = repo or CatalogueRepository()
    versions = check(seed)
    # Centres and departments are administered through the API once loaded (versioned): the seed
    # adds only the ones not stored yet and never overwrites an administrator's change.
    OrganisationRepository().import_initial(list(seed.centres), list(seed.departments), SEEDER, now_iso())
    # People named on the seeded posts are posted (派驻) as A or B (domain/staff.py).
    staff = [seeded_standing(person, list(seed.posts)) for person in seed.staff]
    repo.import_reference([], [], staff, list(seed.posts))
    by_code: dict[str, list[dc.ItemVersion]] = {}
    for version in versions:
        by_code.setdefault(version.item.code, []).append(version)
    existing = repo.items_by_code(by_code)  # already seeded, or edited by an admin since: keep
    fresh = [chain for code, chain in by_code.items() if code not in existing]
    repo.import_items(fresh)
    certificate_type_seed.apply(seed.certificate_types, SEEDER, now_iso())
    return len(fresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="validate the seed file only")
    args = parser.parse_args(argv)
    seed = load()
    if args.check:
        versions = check(seed)
        print(
            f"seed ok: {len(seed.centres)} centres, {len(seed.departments)} departments, "
            f"{len(seed.items)} items ({len(versions)} versions), {len(seed.staff)} staff, "
            f"{len(seed.certificate_types)} certificate types handed over"
        )
        return 0
    print(f"seeded {apply(seed)} new items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
