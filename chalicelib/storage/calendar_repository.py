"""Working-day calendar storage: the State Council arrangements administrators loaded.

Key scheme (see infra/ACCESS_PATTERNS.md):
    CALENDAR / YEAR#<yyyy>                   the arrangement in force for a year (guarded by its
                                             revision; one Query of the partition reads every year)
    CALENDAR#<yyyy> / V#<0001>               every version loaded, create-only (who, when, why)
    CALENDAR#RECOMPUTE / <yyyy>#<0001>       a load whose open deadlines the sweep has not yet
                                             recomputed (deleted once it has)
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.expressions.operand import Path

from chalicelib.domain.holiday_arrangement import HolidayArrangement
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

CURRENT = "CALENDAR"
RECOMPUTE = "CALENDAR#RECOMPUTE"


@dataclass(frozen=True)
class PendingRecompute:
    year: int
    version: int
    loaded_at: str


class CalendarRepository:
    def current(self) -> dict[int, tuple[HolidayArrangement, int]]:
        """Every year's arrangement in force, with its revision (one Query)."""
        condition = Path("SK").startswith("YEAR#")
        out: dict[int, tuple[HolidayArrangement, int]] = {}
        for record in Record.query(CURRENT, range_key_condition=condition):
            arrangement = decode_as(HolidayArrangement, record.data)
            out[arrangement.year] = (arrangement, int(record.rev))
        return out

    def versions(self, year: int) -> list[HolidayArrangement]:
        """Every version loaded for a year, oldest first (one Query; at most a handful)."""
        condition = Path("SK").startswith("V#")
        return [
            decode_as(HolidayArrangement, r.data)
            for r in Record.query(f"CALENDAR#{year:04d}", range_key_condition=condition)
        ]

    def pending(self, limit: int = 50) -> list[PendingRecompute]:
        return [decode_as(PendingRecompute, r.data) for r in Record.query(RECOMPUTE, limit=limit)]

    def stage_load(self, uow: UnitOfWork, arrangement: HolidayArrangement, rev: int | None) -> None:
        """The new version, the year's head at the revision read, and the recompute marker."""
        data = encode(arrangement)
        year = f"{arrangement.year:04d}"
        uow.create(Record(f"CALENDAR#{year}", f"V#{arrangement.version:04d}", entity="HolidayArrangement", data=data))
        head = Record(CURRENT, f"YEAR#{year}", entity="HolidayArrangement", data=data)
        if rev is None:
            uow.create(head)
        else:
            uow.replace(head, rev)
        marker = PendingRecompute(arrangement.year, arrangement.version, arrangement.loaded_at)
        uow.upsert(
            Record(RECOMPUTE, f"{year}#{arrangement.version:04d}", entity="PendingRecompute", data=encode(marker))
        )

    def stage_recomputed(self, uow: UnitOfWork, pending: PendingRecompute) -> None:
        uow.delete(Record(RECOMPUTE, f"{pending.year:04d}#{pending.version:04d}"))
