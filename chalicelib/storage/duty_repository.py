"""Duty roster of unit heads (see infra/ACCESS_PATTERNS.md).

DUTY#<department>#<yyyy-mm> / <day>#<staff>    a shift      GSI1: DUTYMONTH#<yyyy-mm> / <department>#<day>#<staff>
DUTYBULLETIN#<department>#<yyyy-mm> / #        a unit's duty 通报 was issued (create-only)
"""

from __future__ import annotations

from datetime import date

from chalicelib.domain.duty import Shift
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


def _pk(department_id: str, day: date) -> str:
    return f"DUTY#{department_id}#{day.isoformat()[:7]}"


class DutyRepository:
    def shift(self, department_id: str, day: date, staff_id: str) -> tuple[Shift, int] | None:
        try:
            record = Record.get(_pk(department_id, day), f"{day.isoformat()}#{staff_id}")
        except Record.DoesNotExist:
            return None
        return decode_as(Shift, record.data), int(record.rev or 0)

    def _record(self, shift: Shift) -> Record:
        return Record(
            _pk(shift.department_id, shift.day),
            f"{shift.day.isoformat()}#{shift.staff_id}",
            entity="DutyShift",
            data=encode(shift),
            gsi1pk=f"DUTYMONTH#{shift.day.isoformat()[:7]}",
            gsi1sk=f"{shift.department_id}#{shift.day.isoformat()}#{shift.staff_id}",
        )

    def stage_new(self, uow: UnitOfWork, shift: Shift) -> None:
        uow.create(self._record(shift))

    def stage_update(self, uow: UnitOfWork, shift: Shift, rev: int) -> None:
        uow.replace(self._record(shift), rev)

    def month(self, month: str, department_id: str | None) -> list[Shift]:
        """One unit's shifts of a month, or every unit's (one Query, paged through)."""
        if department_id:
            records = Record.query(f"DUTY#{department_id}#{month}")
        else:
            records = Record.gsi1.query(f"DUTYMONTH#{month}")
        return [decode_as(Shift, r.data) for r in records]

    def stage_bulletin_guard(self, uow: UnitOfWork, department_id: str, month: str) -> None:
        uow.create(Record(f"DUTYBULLETIN#{department_id}#{month}", "#", entity="DutyBulletin", data={}))
