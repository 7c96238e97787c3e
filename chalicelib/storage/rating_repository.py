"""Rating storage: one rating per case, and the projections of an open rectification.

Key scheme (see infra/ACCESS_PATTERNS.md):
    RATING#<application> / #              the rating (create-only: a case is rated once, even
                                          under a race), later replaced at its revision
                    GSI1: RATINGS#<department> / <rated_at>#<application>   a department's ratings
                    GSI2: RECTIFICATIONS#<department> / <rated_at>#<application>  its bad ones, ever
    RECTIFY#<department> / <due>#<application>         open (or overdue) rectifications: the worklist
    DUE#rectification / <due>#<application>#-          the sweep's red-warning day (while OPEN)
    DUE#rect_warning / <warn on>#<application>#-       the sweep's yellow-warning day (until raised)

Projections are derived from the rating and written in the same transaction as the rating, so
the worklist and the sweep's due dates never disagree with it; closing a rectification deletes
them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain import supervision as ds
from chalicelib.domain.rating import Rating, RectificationStatus
from chalicelib.domain.working_days import WorkingDayCalendar
from chalicelib.storage.application_repository import DueEntry
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.statistics_repository import StatisticsRepository
from chalicelib.storage.supervision_repository import SupervisionRepository
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"
DUE_RED = "rectification"
DUE_YELLOW = "rect_warning"


class RatingRepository:
    def __init__(self, calendar: WorkingDayCalendar, warning_lead_days: int | None = None) -> None:
        from chalicelib.config import get_settings

        self.calendar = calendar
        self.warning_lead_days = get_settings().warning_lead_days if warning_lead_days is None else warning_lead_days
        self.statistics = StatisticsRepository()
        self.supervision = SupervisionRepository()

    # --- reads -----------------------------------------------------------------------------------

    def get(self, application_id: str) -> tuple[Rating, int] | None:
        try:
            record = Record.get(f"RATING#{application_id}", HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(Rating, record.data), int(record.rev)

    def of_department(self, department_id: str, first: int, after: str | None) -> Page[Rating]:
        """Newest first (GSI1): one Query per page."""
        page = query_page(f"RATINGS#{department_id}", first=first, after=after, index="GSI1", forward=False)
        return _ratings(page)

    def rectifications(self, department_id: str, open_only: bool, first: int, after: str | None) -> Page[Rating]:
        """Open ones by due date (the worklist), or every one, newest first: one Query per page."""
        if open_only:
            return _ratings(query_page(f"RECTIFY#{department_id}", first=first, after=after))
        page = query_page(f"RECTIFICATIONS#{department_id}", first=first, after=after, index="GSI2", forward=False)
        return _ratings(page)

    def due(self, kind: str, before: date, limit: int = 100) -> list[DueEntry]:
        """Rectification days of one kind before `before` (one Query; the sweep loops)."""
        condition = Record.sk < before.isoformat()
        return [
            decode_as(DueEntry, r.data) for r in Record.query(f"DUE#{kind}", range_key_condition=condition, limit=limit)
        ]

    # --- writes ----------------------------------------------------------------------------------

    def stage_new(self, uow: UnitOfWork, rating: Rating) -> None:
        """Create-only: a second rating of the case fails the whole transaction (CONFLICT)."""
        uow.create(self._record(rating))
        self._stage_projections(uow, None, rating)

    def stage_update(self, uow: UnitOfWork, before: Rating, after: Rating, rev: int) -> None:
        uow.replace(self._record(after), rev)
        self._stage_projections(uow, before, after)

    def _record(self, rating: Rating) -> Record:
        keys: dict[str, Any] = {
            "gsi1pk": f"RATINGS#{rating.department_id}",
            "gsi1sk": f"{rating.rated_at}#{rating.application_id}",
        }
        if rating.rectification is not None:
            keys["gsi2pk"] = f"RECTIFICATIONS#{rating.department_id}"
            keys["gsi2sk"] = f"{rating.rated_at}#{rating.application_id}"
        return Record(f"RATING#{rating.application_id}", HEAD, entity="Rating", data=encode(rating), **keys)

    def projections(self, rating: Rating) -> dict[tuple[str, str], tuple[str, Any]]:
        """Every derived record the rating implies now: (PK, SK) -> (entity, data)."""
        task = rating.rectification
        out: dict[tuple[str, str], tuple[str, Any]] = {}
        if task is None or not rating.open_rectification:
            return out
        ident = rating.application_id
        out[(f"RECTIFY#{rating.department_id}", f"{task.due_on.isoformat()}#{ident}")] = ("Rectification", rating)
        if task.status is RectificationStatus.OPEN:
            out[(f"DUE#{DUE_RED}", f"{task.due_on.isoformat()}#{ident}#-")] = (
                "DueEntry",
                DueEntry(DUE_RED, task.due_on, ident, "-"),
            )
            if not task.warned:
                warn = ds.warn_on(task.due_on, self.warning_lead_days, self.calendar)
                out[(f"DUE#{DUE_YELLOW}", f"{warn.isoformat()}#{ident}#-")] = (
                    "DueEntry",
                    DueEntry(DUE_YELLOW, warn, ident, "-"),
                )
        return out

    def _stage_projections(self, uow: UnitOfWork, before: Rating | None, after: Rating) -> None:
        old = self.projections(before) if before is not None else {}
        new = self.projections(after)
        for key in sorted(old.keys() - new.keys()):
            uow.delete(Record(*key))
        for key, (entity, value) in sorted(new.items()):
            uow.upsert(Record(key[0], key[1], entity=entity, data=encode(value)))


def _ratings(page: Page[Record]) -> Page[Rating]:
    return Page([(decode_as(Rating, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
