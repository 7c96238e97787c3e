"""Organisation administration: centres and departments created, changed and closed by
administrators, each change one transaction with its published version (seed 000 一, seed 003).

An administrator acts within their own centre's subtree (a district administrator manages its
townships and their departments, not the city or another district); a city administrator has
the whole network. Closing is refused while anything still depends on the centre or department:
open cases, sub-centres, departments, powers it exercises (own or delegated), staff or window posts.
"""

from __future__ import annotations

from chalicelib.domain import department_references as refs
from chalicelib.domain import organisation as org
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.organisation import (
    Centre,
    CentreVersion,
    Department,
    DepartmentKind,
    DepartmentVersion,
    OrgCode,
    OrgContext,
    Usage,
)
from chalicelib.services.clock import now_iso
from chalicelib.services.reference_cache import CENTRE_HIERARCHY
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.organisation_repository import OrganisationRepository
from chalicelib.storage.unit_of_work import UnitOfWork

FORBIDDEN = "FORBIDDEN"
USAGE_SHOWN = 5  # names listed in a refusal (the count of open cases is exact up to 100)


class OrganisationService:
    def __init__(self, catalogue: CatalogueRepository, repo: OrganisationRepository | None = None) -> None:
        self.catalogue = catalogue
        self.repo = repo or OrganisationRepository()

    # --- helpers ---------------------------------------------------------------------------------

    def _context(self, principal: Principal, reason: str) -> OrgContext:
        if not principal.has_any(Role.ADMIN) or principal.subject is None or not principal.centre_id:
            raise DomainError.one(FORBIDDEN, "只有机构管理员可以维护中心和部门")
        return OrgContext(
            principal.subject, now_iso(), reason, self.catalogue.all_centres(), self.catalogue.all_departments()
        )

    @staticmethod
    def _in_scope(principal: Principal, centre_id: str, ctx: OrgContext, field: str) -> None:
        """管理范围: the administrator's centre and the centres below it."""
        assert principal.centre_id is not None
        if centre_id in ctx.centres and not org.in_subtree(centre_id, principal.centre_id, ctx.centres):
            raise DomainError.one(OrgCode.OUTSIDE_SCOPE, "只能管理本中心及其下级中心的机构", field)

    def _centre(self, centre_id: str) -> tuple[Centre, int]:
        found = self.repo.get_centre(centre_id)
        if found is None:
            raise DomainError.one(OrgCode.NOT_FOUND, "中心不存在", "id")
        return found

    def _department(self, department_id: str) -> tuple[Department, int]:
        found = self.repo.get_department(department_id)
        if found is None:
            raise DomainError.one(OrgCode.NOT_FOUND, "部门不存在", "id")
        return found

    # --- centres ---------------------------------------------------------------------------------

    def create_centre(self, principal: Principal, centre: Centre, reason: str) -> Centre:
        ctx = self._context(principal, reason)
        if centre.parent_id:
            self._in_scope(principal, centre.parent_id, ctx, "parentId")
        version = org.create_centre(centre, ctx)
        uow = UnitOfWork()
        self.repo.stage_centre(uow, version, None)
        uow.commit()
        CENTRE_HIERARCHY.invalidate()  # this process routes on the change at once; others within the bound
        return version.centre

    def change_centre(
        self,
        principal: Principal,
        centre_id: str,
        name: str,
        address: str,
        phone: str,
        reason: str,
        expected_version: int | None,
    ) -> Centre:
        ctx = self._context(principal, reason)
        current, rev = self._centre(centre_id)
        self._in_scope(principal, centre_id, ctx, "id")
        return self._commit_centre(org.change_centre(current, name, address, phone, ctx, expected_version), rev)

    def close_centre(self, principal: Principal, centre_id: str, reason: str, expected_version: int | None) -> Centre:
        ctx = self._context(principal, reason)
        current, rev = self._centre(centre_id)
        self._in_scope(principal, centre_id, ctx, "id")
        if centre_id == principal.centre_id:
            raise DomainError.one(OrgCode.OUTSIDE_SCOPE, "不能撤销本人所在的中心", "id")
        return self._commit_centre(
            org.close_centre(current, self._centre_usage(centre_id, ctx), ctx, expected_version), rev
        )

    def _commit_centre(self, version: CentreVersion, rev: int) -> Centre:
        uow = UnitOfWork()
        self.repo.stage_centre(uow, version, rev)
        uow.commit()
        CENTRE_HIERARCHY.invalidate()  # this process routes on the change at once; others within the bound
        return version.centre

    def _centre_usage(self, centre_id: str, ctx: OrgContext) -> Usage:
        """Five Queries whatever the size of the centre."""
        children = [c.name for c in ctx.centres.values() if c.parent_id == centre_id and c.is_active]
        departments = [d.name for d in ctx.departments.values() if d.centre_id == centre_id and d.is_active]
        powers = self.catalogue.published_page(f"LIST#CENTRE#{centre_id}", None, USAGE_SHOWN, None)
        posts = self.catalogue.posts_of_centre(centre_id)
        return Usage(
            open_cases=self.repo.open_cases("CENTRE", centre_id),
            sub_centres=tuple(children[:USAGE_SHOWN]),
            departments=tuple(departments[:USAGE_SHOWN]),
            powers=tuple(item.code for item, _ in powers.items),
            staff=tuple(p.name for p in posts[:USAGE_SHOWN]),
        )

    # --- departments -----------------------------------------------------------------------------

    def create_department(self, principal: Principal, department: Department, reason: str) -> Department:
        ctx = self._context(principal, reason)
        self._in_scope(principal, department.centre_id, ctx, "centreId")
        version = org.create_department(department, ctx)
        uow = UnitOfWork()
        self.repo.stage_department(uow, version, None)
        uow.commit()
        return version.department

    def change_department(
        self,
        principal: Principal,
        department_id: str,
        name: str,
        supervision_phone: str,
        kind: DepartmentKind,
        reason: str,
        expected_version: int | None,
        credit_code: str | None = None,
        division_code: str | None = None,
    ) -> Department:
        ctx = self._context(principal, reason)
        current, rev = self._department(department_id)
        self._in_scope(principal, current.centre_id, ctx, "id")
        version = org.change_department(
            current, name, supervision_phone, kind, ctx, expected_version, credit_code, division_code
        )
        return self._commit_department(version, rev)

    def close_department(
        self, principal: Principal, department_id: str, reason: str, expected_version: int | None
    ) -> Department:
        ctx = self._context(principal, reason)
        current, rev = self._department(department_id)
        self._in_scope(principal, current.centre_id, ctx, "id")
        usage = self._department_usage(current)
        return self._commit_department(org.close_department(current, usage, ctx, expected_version), rev)

    def _commit_department(self, version: DepartmentVersion, rev: int) -> Department:
        uow = UnitOfWork()
        self.repo.stage_department(uow, version, rev)
        uow.commit()
        return version.department

    def _department_usage(self, department: Department) -> Usage:
        """Open cases it leads, open review tasks, the items that name it (its reference rows and
        those items' heads: an item's own lead, co-reviewers and supervising department, and each
        delegation's lead and co-reviewers), its staff: four Queries and one BatchGetItem."""
        open_cases = self.repo.open_cases("DEPT", department.id) + self.repo.open_review_tasks(department.id)
        powers: list[str] = []
        named: list[str] = []
        for item in self.catalogue.items_naming(department.id):
            roles = refs.roles_of(department.id, item)
            if roles & refs.EXERCISING:
                powers.append(item.code)
            elif roles:
                named.append(refs.describe(item.code, roles))
        staff = self.catalogue.staff_page(department.id, USAGE_SHOWN, None)
        return Usage(
            open_cases=open_cases,
            powers=tuple(powers[:USAGE_SHOWN]),
            staff=tuple(s.name for s, _ in staff.items),
            named_by=tuple(named[:USAGE_SHOWN]),
        )


def new_centre(code: str, name: str, level: org.CentreLevel, parent_id: str | None, address: str, phone: str) -> Centre:
    """A centre as an administrator asks for it (status and version are set by the rules)."""
    return Centre(code, name, level, parent_id, address, phone)


def new_department(
    code: str,
    name: str,
    centre_id: str,
    supervision_phone: str,
    kind: DepartmentKind,
    credit_code: str = "",
    division_code: str = "",
) -> Department:
    return Department(
        code,
        name,
        centre_id,
        supervision_phone,
        kind=kind,
        credit_code=credit_code.strip().upper(),
        division_code=division_code.strip(),
    )
