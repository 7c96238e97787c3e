"""Complaint storage.

Key scheme (see infra/ACCESS_PATTERNS.md):
    COMPLAINT#<id> / #          the complaint with its history (create-only, then replaced at its
                                revision: of two racing resolutions one wins)
                    GSI1: COMPLAINANT#<filer> / <filed_at>#<id>   the filer's complaints
                    GSI2: COMPLAINTS#<status> / <filed_at>#<id>   supervisors' list by status (the
                          index entry moves when the complaint is resolved)
"""

from __future__ import annotations

from chalicelib.domain.complaint import Complaint, ComplaintStatus
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"


class ComplaintRepository:
    def get(self, complaint_id: str) -> tuple[Complaint, int] | None:
        try:
            record = Record.get(f"COMPLAINT#{complaint_id}", HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(Complaint, record.data), int(record.rev)

    def by_status(self, status: ComplaintStatus, first: int, after: str | None) -> Page[Complaint]:
        """Oldest first (the supervisors' queue): one Query per page."""
        return _complaints(query_page(f"COMPLAINTS#{status.value}", first=first, after=after, index="GSI2"))

    def of_filer(self, filer: str, first: int, after: str | None) -> Page[Complaint]:
        """Newest first: one Query per page."""
        page = query_page(f"COMPLAINANT#{filer}", first=first, after=after, index="GSI1", forward=False)
        return _complaints(page)

    def stage_new(self, uow: UnitOfWork, complaint: Complaint) -> None:
        uow.create(self._record(complaint))

    def stage_update(self, uow: UnitOfWork, complaint: Complaint, rev: int) -> None:
        uow.replace(self._record(complaint), rev)

    def _record(self, complaint: Complaint) -> Record:
        sk = f"{complaint.filed_at}#{complaint.id}"
        return Record(
            f"COMPLAINT#{complaint.id}",
            HEAD,
            entity="Complaint",
            data=encode(complaint),
            gsi1pk=f"COMPLAINANT#{complaint.filed_by}",
            gsi1sk=sk,
            gsi2pk=f"COMPLAINTS#{complaint.status.value}",
            gsi2sk=sk,
        )


def _complaints(page: Page[Record]) -> Page[Complaint]:
    return Page([(decode_as(Complaint, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
