"""Leaders on duty at the windows (seed 004 三(一)).

「各窗口单位负责人在工作日期间要轮流到窗口值班,指导窗口工作,解决窗口存在的问题;…"中心"每月对单位负责人
到窗口值班情况进行登记、通报。」 A roster names a unit head for a working day; the head checks in and
out at the window; the monthly register shows every shift; a unit whose heads missed duty gets a
通报 (domain/bulletin.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.staff import Staff, StaffStatus

MAX_DAYS = 31


class DutyCode:
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    OUTSIDE_SCOPE = "OUTSIDE_SCOPE"
    NOT_UNIT_HEAD = "NOT_UNIT_HEAD"
    NOT_WORKING_DAY = "NOT_WORKING_DAY"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NOT_ON_ROSTER = "NOT_ON_ROSTER"
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
    NOT_CHECKED_IN = "NOT_CHECKED_IN"
    ALREADY_CHECKED_OUT = "ALREADY_CHECKED_OUT"
    NOTHING_MISSED = "NOTHING_MISSED"
    ALREADY_ISSUED = "ALREADY_ISSUED"


class ShiftStatus(StrEnum):
    SCHEDULED = "scheduled"  # today or later, not checked in yet
    ON_DUTY = "on_duty"  # checked in, not out
    ATTENDED = "attended"  # checked in and out
    MISSED = "missed"  # the day passed without a check-in
    NO_CHECK_OUT = "no_check_out"  # checked in, the day passed without a check-out


@dataclass(frozen=True)
class Shift:
    department_id: str
    centre_id: str
    day: date
    staff_id: str
    staff_name: str
    checked_in_at: str | None = None
    checked_out_at: str | None = None

    def status(self, today: date) -> ShiftStatus:
        if self.checked_in_at and self.checked_out_at:
            return ShiftStatus.ATTENDED
        if self.checked_in_at:
            return ShiftStatus.ON_DUTY if self.day >= today else ShiftStatus.NO_CHECK_OUT
        return ShiftStatus.SCHEDULED if self.day >= today else ShiftStatus.MISSED


def check_roster(
    department_id: str, head: Staff | None, is_head: bool, days: list[date], working: list[bool], today: date
) -> None:
    """A shift is for a unit leader (单位负责人: the head or a deputy) of the department, on a
    working day from today on."""
    v: list[Violation] = []
    if head is None or head.department_id != department_id:
        v.append(Violation(DutyCode.NOT_UNIT_HEAD, "值班人员须为本单位工作人员", "staffId"))
    elif not is_head or head.status is StaffStatus.RETURNED:
        v.append(Violation(DutyCode.NOT_UNIT_HEAD, "窗口值班须由单位负责人(正职或副职)担任", "staffId"))
    if not days or len(days) > MAX_DAYS:
        v.append(Violation(DutyCode.OUT_OF_RANGE, f"一次排班须为1至{MAX_DAYS}天", "days"))
    for i, (day, ok) in enumerate(zip(days, working, strict=True)):
        if day < today:
            v.append(Violation(DutyCode.OUT_OF_RANGE, f"{day.isoformat()}已过去,不能排班", f"days[{i}]"))
        elif not ok:
            v.append(Violation(DutyCode.NOT_WORKING_DAY, f"{day.isoformat()}不是工作日", f"days[{i}]"))
    if v:
        raise DomainError(v)


def check_in(shift: Shift | None, at: str) -> Shift:
    if shift is None:
        raise DomainError.one(DutyCode.NOT_ON_ROSTER, "您今天不在窗口值班表上,不能签到", "departmentId")
    if shift.checked_in_at:
        raise DomainError.one(DutyCode.ALREADY_CHECKED_IN, "今天已签到")
    return replace(shift, checked_in_at=at)


def check_out(shift: Shift | None, at: str) -> Shift:
    if shift is None:
        raise DomainError.one(DutyCode.NOT_ON_ROSTER, "您今天不在窗口值班表上", "departmentId")
    if not shift.checked_in_at:
        raise DomainError.one(DutyCode.NOT_CHECKED_IN, "尚未签到,不能签退")
    if shift.checked_out_at:
        raise DomainError.one(DutyCode.ALREADY_CHECKED_OUT, "今天已签退")
    return replace(shift, checked_out_at=at)


def duty_bulletin_text(department_name: str, month: str, missed: list[Shift]) -> str:
    """The 通报 of a unit whose heads missed duty in a month (seed 004 三(一))."""
    lines = "、".join(f"{s.day.month}月{s.day.day}日({s.staff_name})" for s in missed)
    return (
        f"关于{department_name}{month}单位负责人窗口值班情况的通报:根据值班登记,该单位负责人于{lines}"
        f"未到窗口值班,共{len(missed)}次。根据效能建设有关规定,现予以通报,请该单位切实履行"
        "“效能建设第一责任人”职责,落实单位负责人轮流到窗口值班制度。"
    )
