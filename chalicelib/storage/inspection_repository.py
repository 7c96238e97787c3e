"""Inspection storage (事中事后监管): one record per inspection, listed per certificate and per
supervising department.

Key scheme (see infra/ACCESS_PATTERNS.md):
    INSPECT#<certificate id> / <recorded at>#<inspection id>    the inspection (create-only)
        GSI1: INSPECTIONS#<supervising department> / <recorded at>#<inspection id>
"""

from __future__ import annotations

from chalicelib.domain.inspection import Inspection
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


def _sk(inspection: Inspection) -> str:
    return f"{inspection.recorded_at}#{inspection.id}"


def key_of(inspection: Inspection) -> tuple[str, str]:
    """Where the inspection is stored (an idempotency key remembers this to find it again)."""
    return f"INSPECT#{inspection.certificate_id}", _sk(inspection)


class InspectionRepository:
    def stage(self, uow: UnitOfWork, inspection: Inspection) -> None:
        """Create-only: a recorded inspection is never overwritten."""
        pk, sk = key_of(inspection)
        uow.create(
            Record(
                pk,
                sk,
                entity="Inspection",
                data=encode(inspection),
                gsi1pk=f"INSPECTIONS#{inspection.supervising_department_id}",
                gsi1sk=sk,
            )
        )

    def get(self, pk: str, sk: str) -> Inspection | None:
        try:
            return decode_as(Inspection, Record.get(pk, sk).data)
        except Record.DoesNotExist:
            return None

    def of_certificate(self, certificate_id: str, first: int, after: str | None) -> Page[Inspection]:
        """Newest first: one Query per page."""
        page = query_page(f"INSPECT#{certificate_id}", first=first, after=after, forward=False)
        return Page([(decode_as(Inspection, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def of_department(self, department_id: str, first: int, after: str | None) -> Page[Inspection]:
        """A supervising department's inspections, newest first (GSI1): one Query per page."""
        page = query_page(f"INSPECTIONS#{department_id}", first=first, after=after, index="GSI1", forward=False)
        return Page([(decode_as(Inspection, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
