"""Certificate type storage (证照类型, seed 002 四(六)).

Key scheme (see infra/ACCESS_PATTERNS.md):
    CTYPE#<code> / #             current version (head, revision-guarded)
                                 GSI1: CTYPES / <code>   (the registry, one Query a page)
    CTYPE#<code> / V#<000001>    immutable version (who/when/why, the handover when it happened)
"""

from __future__ import annotations

from chalicelib.domain.certificate_type import CertificateType
from chalicelib.storage.batch_reads import Ref, get_all
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"
REGISTRY = "CTYPES"


def _key(code: str) -> str:
    return f"CTYPE#{code}"


def _decode(record: Record) -> tuple[CertificateType, int]:
    return decode_as(CertificateType, record.data), int(record.rev)


class CertificateTypeRepository:
    def get(self, code: str) -> tuple[CertificateType, int] | None:
        try:
            return _decode(Record.get(_key(code), HEAD))
        except Record.DoesNotExist:
            return None

    @staticmethod
    def ref(code: str) -> Ref[tuple[CertificateType, int]]:
        """As `get`, to read in one `batch_reads.get_all` with other records (issuance)."""
        return Ref(_key(code), HEAD, _decode)

    def get_version(self, code: str, version: int) -> CertificateType | None:
        try:
            return decode_as(CertificateType, Record.get(_key(code), f"V#{version:06d}").data)
        except Record.DoesNotExist:
            return None

    def page(self, first: int, after: str | None) -> Page[CertificateType]:
        """The registry by code (one Query)."""
        page = query_page(REGISTRY, first=first, after=after, index="GSI1")
        return Page(
            [(decode_as(CertificateType, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor
        )

    def stage(self, uow: UnitOfWork, cert_type: CertificateType, rev: int | None) -> None:
        """The head (created, or replaced at the revision read) and, for a new version, its
        immutable copy; a handover replaces the head and its version's copy says so too."""
        head = Record(
            _key(cert_type.code),
            HEAD,
            entity="CertificateType",
            data=encode(cert_type),
            gsi1pk=REGISTRY,
            gsi1sk=cert_type.code,
        )
        version = Record(
            _key(cert_type.code), f"V#{cert_type.version:06d}", entity="CertificateTypeVersion", data=encode(cert_type)
        )
        if rev is None:
            uow.create(head)
        else:
            uow.replace(head, rev)
        uow.upsert(version)

    def import_types(self, types: list[CertificateType]) -> int:
        """Seed: write the types not stored yet (an administrator's later change is kept).
        One BatchGetItem, then BatchWriteItem: versions first, heads last, as items are imported."""
        found = get_all([self.ref(t.code) for t in types])
        fresh = [t for t, existing in zip(types, found, strict=True) if existing is None]
        uow = UnitOfWork()  # stages the records with their keys, then written in batches
        for cert_type in fresh:
            self.stage(uow, cert_type, None)
        records = uow.staged_records()
        with Record.batch_write() as batch:
            for record in sorted(records, key=lambda r: r.sk == HEAD):
                batch.save(record)
        return len(fresh)
