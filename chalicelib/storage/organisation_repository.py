"""Organisation storage: versioned centres and departments, and what still depends on them.

Key scheme (see infra/ACCESS_PATTERNS.md). The heads are the records the catalogue repository has
always read (`CENTRE#<id>` / `#`, `DEPT#<id>` / `#` with their index keys), now guarded by a
revision; every change adds an immutable version beside its head:
    CENTRE#<id> / V#<000001>     centre version with who/when/why
    DEPT#<id>   / V#<000001>     department version with who/when/why
    OPEN#CENTRE#<id> / <case>    open-case markers (kept by the application repository)
    OPEN#DEPT#<id>   / <case>
"""

from __future__ import annotations

from typing import Any

from pynamodb.expressions.operand import Path

from chalicelib.domain.organisation import Centre, CentreVersion, Department, DepartmentVersion, OrgChangeKind
from chalicelib.storage.catalogue_repository import HEAD, centre_record, department_record
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

OPEN_CASES_COUNTED = 100  # "100 or more" is enough to refuse a closure and say why


class OrganisationRepository:
    def get_centre(self, centre_id: str) -> tuple[Centre, int] | None:
        return self._get(f"CENTRE#{centre_id}", Centre)

    def get_department(self, department_id: str) -> tuple[Department, int] | None:
        return self._get(f"DEPT#{department_id}", Department)

    def stage_centre(self, uow: UnitOfWork, version: CentreVersion, expected_rev: int | None) -> None:
        """The version (create-only) and the head (created, or replaced at its revision)."""
        centre = version.centre
        uow.create(
            Record(f"CENTRE#{centre.id}", f"V#{centre.version:06d}", entity="CentreVersion", data=encode(version))
        )
        head = centre_record(centre)
        if expected_rev is None:
            uow.create(head)
        else:
            uow.replace(head, expected_rev)

    def stage_department(self, uow: UnitOfWork, version: DepartmentVersion, expected_rev: int | None) -> None:
        department = version.department
        uow.create(
            Record(f"DEPT#{department.id}", f"V#{department.version:06d}", entity="DeptVersion", data=encode(version))
        )
        head = department_record(department)
        if expected_rev is None:
            uow.create(head)
        else:
            uow.replace(head, expected_rev)

    def centre_versions(self, centre_id: str, first: int, after: str | None) -> Page[CentreVersion]:
        return self._versions(f"CENTRE#{centre_id}", CentreVersion, first, after)

    def department_versions(self, department_id: str, first: int, after: str | None) -> Page[DepartmentVersion]:
        return self._versions(f"DEPT#{department_id}", DepartmentVersion, first, after)

    def open_cases(self, kind: str, ident: str) -> int:
        """How many cases are open at a centre ("CENTRE") or lead department ("DEPT"): one Query."""
        from chalicelib.storage.application_repository import open_cases_key  # cases: not on catalogue reads

        return sum(1 for _ in Record.query(open_cases_key(kind, ident), limit=OPEN_CASES_COUNTED))

    def open_review_tasks(self, department_id: str) -> int:
        """Open review tasks of a (co-reviewing) department, from its worklist: one Query."""
        return sum(1 for _ in Record.query(f"INBOX#review#{department_id}", limit=OPEN_CASES_COUNTED))

    def import_initial(self, centres: list[Centre], departments: list[Department], actor: str, at: str) -> int:
        """The seed's initial load: each centre and department not yet stored gets its head and a
        first version (CREATE). Ones already there (maybe changed by an administrator since) are
        left alone, so the seed file is only the initial load. Returns how many were new."""
        stored_centres = {c.id for c in self._existing(f"CENTRE#{c.id}" for c in centres)}
        stored_departments = {d.id for d in self._existing(f"DEPT#{d.id}" for d in departments)}
        fresh_centres = [c for c in centres if c.id not in stored_centres]
        fresh_departments = [d for d in departments if d.id not in stored_departments]
        reason = "初始机构导入"
        with Record.batch_write() as batch:
            for centre in fresh_centres:
                version = CentreVersion(centre, OrgChangeKind.CREATE, actor, at, reason)
                batch.save(Record(f"CENTRE#{centre.id}", "V#000001", entity="CentreVersion", data=encode(version)))
                batch.save(centre_record(centre))
            for department in fresh_departments:
                dversion = DepartmentVersion(department, OrgChangeKind.CREATE, actor, at, reason)
                batch.save(Record(f"DEPT#{department.id}", "V#000001", entity="DeptVersion", data=encode(dversion)))
                batch.save(department_record(department))
        return len(fresh_centres) + len(fresh_departments)

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _existing(pks: Any) -> list[Any]:
        keys = [(pk, HEAD) for pk in set(pks)]
        out: list[Any] = []
        for i in range(0, len(keys), 100):
            for record in Record.batch_get(keys[i : i + 100]):
                out.append(decode_as(Centre if record.pk.startswith("CENTRE#") else Department, record.data))
        return out

    @staticmethod
    def _get(pk: str, cls: type[Any]) -> Any:
        try:
            record = Record.get(pk, HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(cls, record.data), int(record.rev or 0)

    @staticmethod
    def _versions(pk: str, cls: type[Any], first: int, after: str | None) -> Page[Any]:
        """Newest first."""
        page = query_page(pk, first=first, after=after, range_condition=Path("SK").startswith("V#"), forward=False)
        return Page([(decode_as(cls, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
