"""Leaders on duty (seed 004 三(一)): roster, check-in/out, the monthly register and the 通报 of
units whose heads missed duty (delivered through the outbox and listed publicly)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain import duty as dd
from chalicelib.domain import organisation as org
from chalicelib.domain.bulletin import LEADERSHIP_FEED, Bulletin, BulletinKind
from chalicelib.domain.duty import DutyCode, Shift, ShiftStatus
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.supervision import department_feed
from chalicelib.domain.working_days import WorkingDayCalendar
from chalicelib.services import clock
from chalicelib.services.outbox import Relay
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.conduct_repository import ConductRepository
from chalicelib.storage.duty_repository import DutyRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.staff_repository import StaffRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ROSTER_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


@dataclass(frozen=True)
class UnitRegister:
    department_id: str
    shifts: list[tuple[Shift, ShiftStatus]]

    @property
    def missed(self) -> list[Shift]:
        return [s for s, status in self.shifts if status is ShiftStatus.MISSED]


class DutyService:
    def __init__(
        self,
        catalogue: CatalogueRepository,
        calendar: WorkingDayCalendar,
        repo: DutyRepository | None = None,
        staff: StaffRepository | None = None,
        now: Callable[[], datetime] | None = None,
        relay: Relay | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.calendar = calendar
        self.repo = repo or DutyRepository()
        self.staff = staff or StaffRepository()
        self.now = now or (lambda: clock.utc_now())
        self.relay = relay

    def today(self) -> date:
        return da.china_date(self.now())

    def roster_set(self, principal: Principal, department_id: str, staff_id: str, days: list[date]) -> list[Shift]:
        """Supervisors or administrators of the centre put a unit leader on the roster: the head
        (`headStaffId`) or a deputy head (seed 004 三(一): 各窗口单位负责人…轮流到窗口值班)."""
        if not principal.roles & ROSTER_ROLES:
            raise DomainError.one(DutyCode.FORBIDDEN, "没有权限排班")
        department = self.catalogue.get_department(department_id)
        if department is None:
            raise DomainError.one(DutyCode.NOT_FOUND, "部门不存在", "departmentId")
        if not self._in_scope(principal, department.centre_id):
            raise DomainError.one(DutyCode.OUTSIDE_SCOPE, "只能为本中心及下级中心的单位排班", "departmentId")
        found = self.staff.get(staff_id)
        head = found[0] if found else None
        is_head = department.head_staff_id == staff_id or bool(head and head.deputy_head)
        dd.check_roster(
            department_id, head, is_head, days, [self.calendar.is_working_day(d) for d in days], self.today()
        )
        ordered = sorted(set(days))
        assert head is not None
        shifts = [Shift(department_id, department.centre_id, d, staff_id, head.name) for d in ordered]
        uow = UnitOfWork()
        for shift in shifts:
            self.repo.stage_new(uow, shift)
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(DutyCode.OUT_OF_RANGE, "其中有日期已排过该负责人的班", "days") from error
            raise
        return shifts

    def _in_scope(self, principal: Principal, centre_id: str) -> bool:
        """Scopes follow the organisation (seed 000 一): the caller's centre and the centres below it."""
        if not principal.centre_id:
            return False
        return org.in_subtree(centre_id, principal.centre_id, self.catalogue.all_centres())

    def check_in(self, principal: Principal, department_id: str) -> Shift:
        return self._mark(principal, department_id, dd.check_in)

    def check_out(self, principal: Principal, department_id: str) -> Shift:
        return self._mark(principal, department_id, dd.check_out)

    def _mark(self, principal: Principal, department_id: str, step: Callable[[Shift | None, str], Shift]) -> Shift:
        """Only the person the roster names for today, for that unit (one GetItem, one write)."""
        today = self.today()
        found = self.repo.shift(department_id, today, principal.subject or "-")
        shift = step(found[0] if found else None, self.now().isoformat(timespec="seconds"))
        assert found is not None
        uow = UnitOfWork()
        self.repo.stage_update(uow, shift, found[1])
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(DutyCode.ALREADY_CHECKED_IN, "签到状态已变化,请刷新") from error
            raise
        return shift

    def register(self, principal: Principal, month: str, department_id: str | None) -> list[UnitRegister]:
        """每月登记: supervisors see every unit (or one); a unit's own staff see their unit."""
        _check_month(month)
        own = department_id is not None and department_id == principal.department_id
        if not principal.has_any(Role.SUPERVISOR, Role.ADMIN) and not own:
            raise DomainError.one(DutyCode.FORBIDDEN, "只能查看本单位的值班登记", "departmentId")
        today = self.today()
        shifts = self.repo.month(month, department_id)
        if not own:  # supervisors and administrators: their centre's subtree only (seed 000 一)
            centres = self.catalogue.all_centres() if shifts else {}
            root = principal.centre_id or ""
            shifts = [s for s in shifts if org.in_subtree(s.centre_id, root, centres)]
        by_unit: dict[str, list[tuple[Shift, ShiftStatus]]] = {}
        for shift in shifts:
            by_unit.setdefault(shift.department_id, []).append((shift, shift.status(today)))
        return [UnitRegister(d, sorted(s, key=lambda x: x[0].day)) for d, s in sorted(by_unit.items())]

    def bulletins_issue(self, principal: Principal, month: str) -> list[Bulletin]:
        """通报 every unit whose heads missed duty in a past month; once per unit and month."""
        if not principal.has_any(Role.SUPERVISOR):
            raise DomainError.one(DutyCode.FORBIDDEN, "只有监察人员可以发布通报")
        _check_month(month)
        if month >= self.today().isoformat()[:7]:
            raise DomainError.one(DutyCode.OUT_OF_RANGE, "只能通报已结束月份的值班情况", "month")
        units = [u for u in self.register(principal, month, None) if u.missed]  # the caller's subtree
        if not units:
            raise DomainError.one(DutyCode.NOTHING_MISSED, "该月没有单位负责人缺席值班", "month")
        departments = self.catalogue.departments_by_id(u.department_id for u in units)
        at = self.now().isoformat(timespec="seconds")
        uow = UnitOfWork()
        bulletins: list[Bulletin] = []
        messages: list[Message] = []
        conduct = ConductRepository()
        outbox = OutboxRepository()
        for unit in units:
            department = departments.get(unit.department_id)
            name = department.name if department else unit.department_id
            text = dd.duty_bulletin_text(name, month, unit.missed)
            bulletin = Bulletin(
                f"duty-{unit.department_id}-{month}",
                BulletinKind.UNIT_DUTY,
                unit.missed[0].centre_id,
                unit.department_id,
                text.split(":", 1)[0],
                text,
                at,
                f"duty:{month}",
            )
            self.repo.stage_bulletin_guard(uow, unit.department_id, month)
            conduct.stage_bulletin(uow, bulletin)
            recipients = (department_feed(unit.department_id), LEADERSHIP_FEED)
            message = make_message(
                MessageKind.BULLETIN,
                ("duty", unit.department_id, month),
                recipients,
                bulletin.title,
                bulletin.id,
                at,
                {"bulletin": bulletin.kind.value, "month": month},
            )
            outbox.stage(uow, message)
            bulletins.append(bulletin)
            messages.append(message)
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(DutyCode.ALREADY_ISSUED, "该月的值班通报已发布", "month") from error
            raise
        (self.relay or Relay()).deliver_soon(messages)
        return bulletins


def _check_month(month: str) -> None:
    if not MONTH.match(month):
        raise DomainError.one(DutyCode.OUT_OF_RANGE, "月份格式应为 YYYY-MM", "month")
