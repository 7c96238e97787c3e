"""Responsibility matrix use cases (seed 003 二(三)4): set one (administrators), read it as it stands
today, and show it on a case's current step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import responsibility as dr
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import MessageKind, make_message
from chalicelib.domain.responsibility import Assignment, Matrix, ResponsibilityCode, StepKind
from chalicelib.domain.supervision import department_feed
from chalicelib.services import clock
from chalicelib.services.applications import ApplicationService
from chalicelib.services.outbox import Relay
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.responsibility_repository import ResponsibilityRepository
from chalicelib.storage.staff_repository import StaffRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork


@dataclass(frozen=True)
class StandingMatrix:
    matrix: Matrix
    steps: list[dr.Resolved]
    current: StepKind | None = None


class ResponsibilityService:
    def __init__(
        self,
        catalogue: CatalogueRepository,
        applications: ApplicationService,
        repo: ResponsibilityRepository | None = None,
        staff: StaffRepository | None = None,
        now: Callable[[], datetime] | None = None,
        relay: Relay | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.applications = applications
        self.repo = repo or ResponsibilityRepository()
        self.staff = staff or StaffRepository()
        self.now = now or (lambda: clock.utc_now())
        self.relay = relay

    def set(
        self, principal: Principal, item_code: str, centre_id: str, assignments: tuple[Assignment, ...], reason: str
    ) -> StandingMatrix:
        """Administrators of the centre set the matrix; for a delegated power it is filed with the
        delegating city department (报市直对口部门备案) through the outbox, in the same transaction."""
        if not principal.has_any(Role.ADMIN):
            raise DomainError.one(ResponsibilityCode.FORBIDDEN, "没有权限执行此操作")
        if not reason.strip():
            raise DomainError.one(ResponsibilityCode.REQUIRED, "请说明调整原因", "reason")
        found = self.catalogue.get_item(item_code)
        if found is None or centre_id not in found[0].centre_ids:
            raise DomainError.one(ResponsibilityCode.NOT_FOUND, "该中心没有此事项", "itemId")
        item = found[0]
        departments = self.catalogue.departments_by_id(
            {a.department_id for a in assignments} | {item.elements.department_id}
        )
        people = {
            s.id: s
            for s, _ in self.staff.many(
                {a.leader_staff_id for a in assignments} | {a.staff_id for a in assignments if a.staff_id}
            ).values()
        }
        posts = {ref: p for ref, (p, _) in self.staff.posts({a.post for a in assignments if a.post}).items()}
        dr.validate(centre_id, assignments, {d.id: d.centre_id for d in departments.values()}, people, posts)
        owner = departments.get(item.elements.department_id)
        delegated = owner is not None and owner.centre_id != centre_id
        current = self.repo.get(centre_id, item_code)
        at = self.now().isoformat(timespec="seconds")
        matrix = Matrix(
            item_code,
            centre_id,
            assignments,
            current[0].version + 1 if current else 1,
            principal.subject or "",
            at,
            owner.id if delegated and owner else "",
        )
        uow = UnitOfWork()
        self.repo.stage(uow, matrix, current[1] if current else None)
        messages = []
        if delegated and owner:
            title = f"责任分工备案:{item.elements.name}({centre_id})第{matrix.version}版"
            data = {"item": item_code, "centre": centre_id, "version": str(matrix.version), "reason": reason.strip()}
            message = make_message(
                MessageKind.RESPONSIBILITY_FILING,
                (item_code, centre_id, str(matrix.version)),
                (department_feed(owner.id),),
                title,
                item_code,
                at,
                data,
            )
            OutboxRepository().stage(uow, message)
            messages.append(message)
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(ResponsibilityCode.CONFLICT, "责任分工已被他人修改,请刷新后重试") from error
            raise
        (self.relay or Relay()).deliver_soon(messages)
        return self._standing(matrix)

    def of_item(self, item_code: str, centre_id: str) -> StandingMatrix | None:
        found = self.repo.get(centre_id, item_code)
        return self._standing(found[0]) if found else None

    def of_case(self, principal: Principal, application_id: str) -> StandingMatrix | None:
        """Shown to staff on each step of a case: the matrix of its item at its centre, with the
        step the case is at."""
        case, _ = self.applications.load(application_id, principal)
        found = self.repo.get(case.centre_id, case.item.code)
        if found is None:
            return None
        paused = any(s.ended_on is None for s in case.special_steps)
        current = dr.step_of_case(case.state.value, paused, case.awaiting_issue)
        standing = self._standing(found[0])
        return StandingMatrix(standing.matrix, standing.steps, current)

    def _standing(self, matrix: Matrix) -> StandingMatrix:
        posts = {ref: p for ref, (p, _) in self.staff.posts({a.post for a in matrix.assignments if a.post}).items()}
        named = {a.staff_id for a in matrix.assignments if a.staff_id}
        people = {s.id: s for s, _ in self.staff.many(named).values()} if named else {}
        return StandingMatrix(matrix, dr.resolve(matrix, posts, people, da.china_date(self.now())))
