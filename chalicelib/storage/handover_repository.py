"""Handover storage (seed 003 二(二)3).

Key scheme (see infra/ACCESS_PATTERNS.md):
    HANDOVER#<memo id>:<item code> / #     a handover record (revision-guarded)
                    GSI1: HANDOVERS#<delegating department> / <created_at>#<id>
                    GSI2: HANDOVERS#<receiving centre> / <created_at>#<id>
    DUE#handover / <earliest open due>#<id>#-   the sweep's day (while a part is unconfirmed and unwarned)
"""

from __future__ import annotations

from datetime import date

from chalicelib.domain.handover import Handover
from chalicelib.storage.application_repository import DueEntry
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.projections import derived_keys, stage_head_with_projections
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"
DUE_KIND = "handover"


class HandoverRepository:
    def __init__(self) -> None:
        self._derived: dict[str, list[list[str]]] = {}

    def get(self, handover_id: str) -> tuple[Handover, int] | None:
        try:
            record = Record.get(f"HANDOVER#{handover_id}", HEAD)
        except Record.DoesNotExist:
            return None
        self._derived[handover_id] = record.derived or []
        return decode_as(Handover, record.data), int(record.rev)

    def of_department(self, department_id: str, first: int, after: str | None) -> Page[Handover]:
        """A delegating department's handovers, newest first (one Query)."""
        page = query_page(f"HANDOVERS#{department_id}", first=first, after=after, index="GSI1", forward=False)
        return Page([(decode_as(Handover, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def of_centre(self, centre_id: str, first: int, after: str | None) -> Page[Handover]:
        """A receiving centre's handovers, newest first (one Query)."""
        page = query_page(f"HANDOVERS#{centre_id}", first=first, after=after, index="GSI2", forward=False)
        return Page([(decode_as(Handover, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def due(self, before: date, limit: int = 100) -> list[DueEntry]:
        condition = Record.sk < before.isoformat()
        return [
            decode_as(DueEntry, r.data)
            for r in Record.query(f"DUE#{DUE_KIND}", range_key_condition=condition, limit=limit)
        ]

    def stage(self, uow: UnitOfWork, handover: Handover, rev: int | None) -> None:
        new: dict[tuple[str, str], tuple[str, object]] = {}
        day = handover.next_warning_day()
        if day is not None:
            due = DueEntry(DUE_KIND, day, handover.id, "-")
            new[(f"DUE#{DUE_KIND}", f"{day.isoformat()}#{handover.id}#-")] = ("DueEntry", due)
        sk = f"{handover.created_at}#{handover.id}"
        head = Record(
            f"HANDOVER#{handover.id}",
            HEAD,
            entity="Handover",
            data=encode(handover),
            gsi1pk=f"HANDOVERS#{handover.department_id}",
            gsi1sk=sk,
            gsi2pk=f"HANDOVERS#{handover.centre_id}",
            gsi2sk=sk,
            derived=derived_keys(new),
        )
        stage_head_with_projections(uow, head, rev, self._derived.get(handover.id, []), new)
