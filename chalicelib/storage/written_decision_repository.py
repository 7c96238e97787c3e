"""Written decisions (一次性告知书, 不予受理决定书, 不予许可决定书) storage.

Key scheme (see infra/ACCESS_PATTERNS.md):
    WDOC#<id> / #              the document (text, status, file)   GSI1: WDOCS#<application> / <created_at>#<id>
                                                                 GSI2 while PENDING: WDOC#PENDING / <created_at>#<id>
    WDOCSHA#<sha256> / #       sealed PDF digest -> id (create-only: an uploaded PDF is found by its hash)

The document is created PENDING in its event's transaction and replaced (revision-guarded) by its
SEALED version together with the digest pointer: of two producers exactly one commits.
"""

from __future__ import annotations

from chalicelib.domain.written_decision import DocumentStatus, WrittenDecisionDocument
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"
PENDING = "WDOC#PENDING"


class WrittenDecisionRepository:
    def get(self, document_id: str) -> tuple[WrittenDecisionDocument, int] | None:
        try:
            record = Record.get(f"WDOC#{document_id}", HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(WrittenDecisionDocument, record.data), int(record.rev)

    def by_sha256(self, digest: str) -> WrittenDecisionDocument | None:
        try:
            pointer = Record.get(f"WDOCSHA#{digest}", HEAD)
        except Record.DoesNotExist:
            return None
        found = self.get(str(pointer.data["id"]))
        return found[0] if found else None

    def of_case(self, application_id: str, first: int, after: str | None) -> Page[WrittenDecisionDocument]:
        """The case's documents in the order they were owed (one Query)."""
        page = query_page(f"WDOCS#{application_id}", first=first, after=after, index="GSI1")
        return Page(
            [(decode_as(WrittenDecisionDocument, r.data), c) for r, c in page.items],
            page.has_next_page,
            page.end_cursor,
        )

    def pending(self, limit: int = 50) -> list[WrittenDecisionDocument]:
        """Documents still owed a sealed PDF, oldest first (the sweep's retry; one Query)."""
        records = Record.gsi2.query(PENDING, limit=limit)
        return [decode_as(WrittenDecisionDocument, r.data) for r in records]

    # --- writes ----------------------------------------------------------------------------------

    def stage_pending(self, uow: UnitOfWork, doc: WrittenDecisionDocument) -> None:
        """Create-only: the owing event's retry can never owe a second document."""
        uow.create(self._record(doc))

    def stage_sealed(self, uow: UnitOfWork, doc: WrittenDecisionDocument, rev: int) -> None:
        assert doc.status is DocumentStatus.SEALED and doc.sha256
        uow.replace(self._record(doc), rev)
        uow.create(Record(f"WDOCSHA#{doc.sha256}", HEAD, entity="Pointer", data={"id": doc.id}))

    @staticmethod
    def _record(doc: WrittenDecisionDocument) -> Record:
        record = Record(
            f"WDOC#{doc.id}",
            HEAD,
            entity="WrittenDecision",
            data=encode(doc),
            gsi1pk=f"WDOCS#{doc.application_id}",
            gsi1sk=f"{doc.created_at}#{doc.id}",
        )
        if doc.status is DocumentStatus.PENDING:
            record.gsi2pk, record.gsi2sk = PENDING, f"{doc.created_at}#{doc.id}"
        return record
