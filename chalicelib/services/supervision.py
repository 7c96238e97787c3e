"""Supervision use cases: statistics by scope, warnings and their acknowledgement, the violation
ledger and its annotations, and each person's notification feed.

Scope rules (who may see what):
- supervisors (电子监察) see their centre's subtree: its centres, their departments and staff, and
  the items at home there (a city supervisor: everything);
- department staff (reviewer, approver) see their own department, its items and its staff;
- every staff member sees their own figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain import organisation as org
from chalicelib.domain import supervision as ds
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message
from chalicelib.domain.organisation import Centre
from chalicelib.domain.statistics import ScopeKind, Statistics, check_range, scope
from chalicelib.domain.supervision import SupervisionWarning, Violation
from chalicelib.services import clock
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.statistics_repository import StatisticsRepository
from chalicelib.storage.supervision_repository import SupervisionRepository, violation_sk
from chalicelib.storage.unit_of_work import UnitOfWork

NOT_FOUND = "NOT_FOUND"
FORBIDDEN_SCOPE = "SCOPE_FORBIDDEN"
DEPARTMENT_STAFF = (Role.REVIEWER, Role.APPROVER)


def violation_ref(violation: Violation) -> str:
    """A violation's id within its department's ledger: what its opaque global ID carries and
    `SupervisionService.annotate` takes back."""
    return violation_sk(violation)


class SupervisionService:
    def __init__(
        self,
        catalogue: CatalogueRepository,
        statistics: StatisticsRepository | None = None,
        supervision: SupervisionRepository | None = None,
        outbox: OutboxRepository | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.statistics = statistics or StatisticsRepository()
        self.supervision = supervision or SupervisionRepository()
        self.outbox = outbox or OutboxRepository()
        self.now = now or (lambda: clock.utc_now())
        self._centres: dict[str, Centre] | None = None

    # --- statistics ------------------------------------------------------------------------------

    def _may_see_scope(self, principal: Principal, kind: str, ident: str) -> bool:
        if principal.has_any(Role.SUPERVISOR):
            return self._supervises(principal, kind, ident)
        if kind == ScopeKind.STAFF and ident == principal.subject:
            return True
        if not principal.has_any(*DEPARTMENT_STAFF) or not principal.department_id:
            return False
        own = principal.department_id
        if kind == ScopeKind.DEPARTMENT:
            return ident == own
        if kind == ScopeKind.ITEM:
            found = self.catalogue.get_item(ident)
            return found is not None and found[0].elements.department_id == own
        if kind == ScopeKind.STAFF:
            staff = self.catalogue.get_staff(ident)
            return staff is not None and staff.department_id == own
        return False

    def _hierarchy(self) -> dict[str, Centre]:
        """The centres, read once per request (the service lives as long as the request)."""
        if self._centres is None:
            self._centres = self.catalogue.all_centres()
        return self._centres

    def departments_in_scope(self, principal: Principal) -> set[str] | None:
        """The departments a supervisor oversees, or None for the whole network (the city's):
        two Queries, for lists that are filtered rather than partitioned by centre."""
        if not principal.centre_id:
            return set()
        centres = self._hierarchy()
        root = principal.centre_id
        if root in centres and centres[root].parent_id is None:
            return None
        return {d.id for d in self.catalogue.all_departments().values() if org.in_subtree(d.centre_id, root, centres)}

    def _city_level(self, principal: Principal) -> bool:
        centre = self.catalogue.get_centre(principal.centre_id) if principal.centre_id else None
        return centre is not None and centre.parent_id is None

    def _supervises(self, principal: Principal, kind: str, ident: str) -> bool:
        """Supervisors oversee their centre's subtree (seed 000 一: a district its townships, the
        city the whole network): a centre in it, a department or staff member of such a centre, an
        item whose home centre is in it. One Query for the hierarchy, one GetItem for the subject."""
        if not principal.centre_id:
            return False
        centres = self._hierarchy()
        root = principal.centre_id
        if root in centres and centres[root].parent_id is None:
            return True  # the city keeps the whole network
        if kind == ScopeKind.CENTRE:
            return org.in_subtree(ident, root, centres)
        if kind == ScopeKind.DEPARTMENT:
            department = self.catalogue.get_department(ident)
            return department is not None and org.in_subtree(department.centre_id, root, centres)
        if kind == ScopeKind.ITEM:
            found = self.catalogue.get_item(ident)
            return found is not None and org.in_subtree(found[0].home_centre_id, root, centres)
        if kind == ScopeKind.STAFF:
            staff = self.catalogue.get_staff(ident)
            return staff is not None and org.in_subtree(staff.centre_id, root, centres)
        return False

    def statistics_of(self, principal: Principal, kind: str, ident: str, start: date, end: date) -> Statistics:
        """A scope's figures over [start, end]: one Query whatever the number of cases. A centre's
        figures roll up its subtree (seed 000 三(三)2 区、功能区按时上报项目办理情况): its own counters
        and every centre's below it, one Query per centre, run in parallel."""
        check_range(start, end)
        if not self._may_see_scope(principal, kind, ident):
            raise DomainError.one(FORBIDDEN_SCOPE, "无权查看该范围的统计", "scope")
        if kind == ScopeKind.CENTRE:
            centres = self._hierarchy()
            scopes = [scope(kind, c) for c in (org.subtree(ident, centres) if ident in centres else [ident])]
            return self.statistics.totals_of(scopes, start, end)
        return self.statistics.totals(scope(kind, ident), start, end)

    # --- warnings --------------------------------------------------------------------------------

    def _department_of_caller(self, principal: Principal, department_id: str | None) -> str:
        """Supervisors name any department; department staff get their own."""
        if principal.has_any(Role.SUPERVISOR) and department_id:
            if not self._supervises(principal, ScopeKind.DEPARTMENT, department_id):
                raise DomainError.one(FORBIDDEN_SCOPE, "只能查看本中心及下级中心部门的信息", "departmentId")
            return department_id
        if principal.department_id and department_id in (None, principal.department_id):
            return principal.department_id
        raise DomainError.one(FORBIDDEN_SCOPE, "只能查看本部门的信息", "departmentId")

    def warnings(
        self, principal: Principal, department_id: str | None, first: int, after: str | None
    ) -> Page[SupervisionWarning]:
        return self.supervision.warnings(self._department_of_caller(principal, department_id), first, after)

    def acknowledge(self, principal: Principal, subject_id: str, key: str) -> SupervisionWarning:
        """A recipient, a member of the responsible department, or whoever holds the window post the
        warning is addressed to today (the AB backup while A is on leave) confirms having seen it; a
        post's warning leaves the post's worklist in the same transaction."""
        from chalicelib.services.staff import holds_post_today, post_work_for_warning
        from chalicelib.storage.staff_repository import StaffRepository

        found = self.supervision.warning(subject_id, key)
        if found is None:
            raise DomainError.one(NOT_FOUND, "预警不存在", "id")
        warning, rev = found
        department = bool(warning.department_id) and principal.department_id == warning.department_id
        if warning.post_ref:  # the post's work: whoever holds it today acts on it, not a named person away
            allowed = department or holds_post_today(principal, warning.post_ref)
        else:
            allowed = principal.subject in warning.recipients or department
        if warning.level is not ds.WarningLevel.YELLOW and allowed:
            raise DomainError.one("NOT_ACKNOWLEDGEABLE", "红牌警告无需确认,请尽快办结", "id")
        at = self.now().isoformat(timespec="seconds")
        updated = ds.acknowledge(warning, principal.subject or "", allowed, at)
        uow = UnitOfWork()
        self.supervision.stage_warning_update(uow, updated, rev)
        if warning.post_ref:
            StaffRepository().stage_work_gone(uow, post_work_for_warning(warning))
        uow.commit()
        return updated

    # --- violation ledger ------------------------------------------------------------------------

    def ledger(
        self, principal: Principal, year: int, department_id: str | None, first: int, after: str | None
    ) -> Page[Violation]:
        this_year = da.china_date(self.now()).year
        if not 2000 <= year <= this_year:
            raise DomainError.one("OUT_OF_RANGE", f"年份应在2000至{this_year}之间", "year")
        if not principal.has_any(Role.SUPERVISOR) or department_id or not self._city_level(principal):
            department_id = self._department_of_caller(principal, department_id)
        return self.supervision.ledger(year, department_id, first, after)

    def annotate(self, principal: Principal, department_id: str, sk: str, note: str) -> Violation:
        """Supervisors annotate a ledger entry (who, when, what); revision-guarded."""
        found = self.supervision.violation(department_id, sk)
        if found is None:
            raise DomainError.one(NOT_FOUND, "违规记录不存在", "id")
        violation, rev = found
        updated = ds.annotate(violation, principal.subject or "", note, self.now().isoformat(timespec="seconds"))
        uow = UnitOfWork()
        self.supervision.stage_violation_update(uow, updated, rev)
        uow.commit()
        return updated

    # --- notifications ---------------------------------------------------------------------------

    def feed(self, principal: Principal, department: bool, first: int, after: str | None) -> Page[Message]:
        """The caller's own notifications, or their department's shared feed (staff only)."""
        if department:
            if not (principal.is_staff and principal.department_id):
                raise DomainError.one(FORBIDDEN_SCOPE, "只有部门工作人员可以查看部门通知", "feed")
            return self.outbox.feed(ds.department_feed(principal.department_id), first, after)
        return self.outbox.feed(principal.subject or "", first, after)
