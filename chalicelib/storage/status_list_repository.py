"""The status-list partition: the certificates of one issuing bureau that are no longer valid.

Key scheme (see infra/ACCESS_PATTERNS.md):
    STATUSLIST#<bureau> / <licence reference>    one listed certificate (status, since)

Written in the same transaction as the status change (`CertificateRepository.stage_update`), so
the signed status list is built with one Query, never a Scan of the registry.
"""

from __future__ import annotations

from chalicelib.domain.certificate import Certificate, CertificateStatus
from chalicelib.domain.offline_kit import ListedEntry, is_listed, issuing_bureau, listed_entry
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


def _record(bureau: str, entry: ListedEntry) -> Record:
    return Record(f"STATUSLIST#{bureau}", entry.licence, entity="StatusListEntry", data=encode(entry))


class StatusListRepository:
    @staticmethod
    def stage_listing(uow: UnitOfWork, cert: Certificate) -> None:
        """List the certificate when its new status is a listed one (idempotent upsert); take it
        off when a recorded status change leaves the listed set (e.g. a suspension lifted)."""
        record = _record(issuing_bureau(cert), listed_entry(cert))
        if is_listed(cert.status):
            uow.upsert(record)
        elif cert.status is CertificateStatus.VALID and cert.status_changed_at:
            uow.delete(record)  # back to valid: only ever from a listed status

    @staticmethod
    def listed(bureau: str) -> list[ListedEntry]:
        """Every listed certificate of the bureau (one Query per MB page: a handful of requests
        even for tens of thousands of revocations)."""
        return [decode_as(ListedEntry, r.data) for r in Record.query(f"STATUSLIST#{bureau}")]
