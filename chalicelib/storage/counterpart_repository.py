"""Counterpart oversight storage (seed 003 二(五)3, 二(六)).

Key scheme (see infra/ACCESS_PATTERNS.md):
    COUNTERPART#<delegating department> / <due>#<case>   open delegated cases of the department's
                                  powers (a projection of the case, written with every change of it)
    CPWARN#<delegating department> / <raised_at>#<subject>#<key>   copies of the warnings raised on
                                  those cases and on its rectification demands (its warning view)
    OVERSIGHT#<id> / #            an inspection with its opinion and letter (revision-guarded)
                    GSI1: OVERSIGHTS#<delegating department> / <recorded_at>#<id>
                    GSI2: OVERSIGHTS#<receiving department> / <recorded_at>#<id>
    DUE#cp_due / <due>#<id>#<opinion|letter>        the sweep's red-warning day (while open)
    DUE#cp_warning / <warn on>#<id>#<opinion|letter>  the sweep's yellow-warning day (until raised)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain import counterpart as dcp
from chalicelib.domain import supervision as ds
from chalicelib.domain.application import Application
from chalicelib.domain.counterpart import CounterpartEntry, OversightInspection
from chalicelib.domain.supervision import SupervisionWarning
from chalicelib.domain.working_days import WorkingDayCalendar
from chalicelib.storage.application_repository import DueEntry
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.projections import derived_keys, stage_head_with_projections
from chalicelib.storage.supervision_repository import SupervisionRepository
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"
DUE_RED = "cp_due"
DUE_YELLOW = "cp_warning"


def case_projection(
    case: Application, calendar: WorkingDayCalendar, today: date
) -> dict[tuple[str, str], tuple[str, Any]]:
    """The monitoring row of an open delegated case (merged into the case's projections)."""
    found = dcp.counterpart_entry(case, calendar, today)
    if found is None:
        return {}
    department, entry = found
    return {(f"COUNTERPART#{department}", f"{entry.due_on.isoformat()}#{case.id}"): ("CounterpartEntry", entry)}


def warning_copy(uow: UnitOfWork, department_id: str, warning: SupervisionWarning) -> None:
    """The delegating department's copy of a warning (create-only, like the warning itself)."""
    sk = f"{warning.raised_at}#{warning.subject_id}#{warning.key}"
    uow.create(Record(f"CPWARN#{department_id}", sk, entity="CounterpartWarning", data=encode(warning)))


def _projections(
    inspection: OversightInspection, calendar: WorkingDayCalendar, lead_days: int
) -> dict[tuple[str, str], tuple[str, Any]]:
    out: dict[tuple[str, str], tuple[str, Any]] = {}
    found = inspection.open_demand()
    if found is not None:
        which, demand = found
        due = DueEntry(DUE_RED, demand.due_on, inspection.id, which)
        out[(f"DUE#{DUE_RED}", f"{demand.due_on.isoformat()}#{inspection.id}#{which}")] = ("DueEntry", due)
        if not demand.warned:
            day = ds.warn_on(demand.due_on, lead_days, calendar)
            warn = DueEntry(DUE_YELLOW, day, inspection.id, which)
            out[(f"DUE#{DUE_YELLOW}", f"{day.isoformat()}#{inspection.id}#{which}")] = ("DueEntry", warn)
    return out


class CounterpartRepository:
    def __init__(self, calendar: WorkingDayCalendar, warning_lead_days: int | None = None) -> None:
        from chalicelib.config import get_settings

        self.calendar = calendar
        self.warning_lead_days = get_settings().warning_lead_days if warning_lead_days is None else warning_lead_days
        self.supervision = SupervisionRepository()
        self._derived: dict[str, list[list[str]]] = {}

    # --- monitoring ------------------------------------------------------------------------------

    def cases(self, department_id: str, first: int, after: str | None) -> Page[CounterpartEntry]:
        """Open delegated cases of the department's powers, soonest deadline first (one Query)."""
        page = query_page(f"COUNTERPART#{department_id}", first=first, after=after)
        return Page(
            [(decode_as(CounterpartEntry, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor
        )

    def warnings(self, department_id: str, first: int, after: str | None) -> Page[SupervisionWarning]:
        """Newest first (one Query)."""
        page = query_page(f"CPWARN#{department_id}", first=first, after=after, forward=False)
        return Page(
            [(decode_as(SupervisionWarning, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor
        )

    # --- inspections -----------------------------------------------------------------------------

    def get(self, inspection_id: str) -> tuple[OversightInspection, int] | None:
        try:
            record = Record.get(f"OVERSIGHT#{inspection_id}", HEAD)
        except Record.DoesNotExist:
            return None
        self._derived[inspection_id] = record.derived or []
        return decode_as(OversightInspection, record.data), int(record.rev)

    def of_department(
        self, department_id: str, receiving: bool, first: int, after: str | None
    ) -> Page[OversightInspection]:
        """A delegating department's inspections (GSI1), or a receiving department's (GSI2), newest first."""
        index = "GSI2" if receiving else "GSI1"
        page = query_page(f"OVERSIGHTS#{department_id}", first=first, after=after, index=index, forward=False)
        return Page(
            [(decode_as(OversightInspection, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor
        )

    def due(self, kind: str, before: date, limit: int = 100) -> list[DueEntry]:
        condition = Record.sk < before.isoformat()
        return [
            decode_as(DueEntry, r.data) for r in Record.query(f"DUE#{kind}", range_key_condition=condition, limit=limit)
        ]

    def stage(self, uow: UnitOfWork, inspection: OversightInspection, rev: int | None) -> None:
        """The inspection (created, or replaced at its revision) and its due-date projections."""
        new = _projections(inspection, self.calendar, self.warning_lead_days)
        sk = f"{inspection.recorded_at}#{inspection.id}"
        head = Record(
            f"OVERSIGHT#{inspection.id}",
            HEAD,
            entity="OversightInspection",
            data=encode(inspection),
            gsi1pk=f"OVERSIGHTS#{inspection.department_id}",
            gsi1sk=sk,
            gsi2pk=f"OVERSIGHTS#{inspection.receiving_department_id}",
            gsi2sk=sk,
            derived=derived_keys(new),
        )
        stage_head_with_projections(uow, head, rev, self._derived.get(inspection.id, []), new)
