"""Certificate registry (证照目录) storage.

Key scheme (see infra/ACCESS_PATTERNS.md):
    CERT#<id> / #                       the registry record   GSI1: HOLDER#<account> / <issued_at>#<id>
    CERTNO#<number> / #                 number -> id          (create-only: numbers are unique)
    CERTCODE#<verification code> / #    code -> id            (create-only)
    CERTSHA#<sha256> / #                PDF digest -> id      (an uploaded PDF is found by its hash)
    CERTLID#<licence identifier> / #    GB/T 36904 identifier -> id (create-only; written with the record)
    SEQ#CERT#<authority>#<year> / #     last number used      (revision-guarded: no gaps, no duplicates)
    DUE#cert_expiry / <date>#<id>       expiry, for the sweep
    DUE#cert_status / <date>#<id>       a status change with a later effective date, for the sweep
    VERIFYLOG#<id> / <at>#<nonce>       every verification of the certificate
    STATUSLIST#<bureau> / <licence>     listed (non-valid) certificates: status_list_repository.py
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from chalicelib.domain.certificate import FINAL_STATUSES, Certificate
from chalicelib.domain.worklist import VerificationLogEntry
from chalicelib.storage.batch_reads import Ref
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.status_list_repository import StatusListRepository
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"


def _pointer(pk: str, certificate_id: str) -> Record:
    return Record(pk, HEAD, entity="Pointer", data={"id": certificate_id})


class CertificateRepository:
    def get(self, certificate_id: str) -> tuple[Certificate, int] | None:
        try:
            record = Record.get(f"CERT#{certificate_id}", HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(Certificate, record.data), int(record.rev)

    @staticmethod
    def ref(certificate_id: str) -> Ref[tuple[Certificate, int]]:
        """As `get`, for a BatchGetItem with other reads (issuance reads the licence a renewal or a
        correction replaces together with the counter, the bureau and the item)."""
        return Ref(f"CERT#{certificate_id}", HEAD, lambda r: (decode_as(Certificate, r.data), int(r.rev)))

    def _follow(self, pk: str) -> tuple[Certificate, int] | None:
        try:
            pointer = Record.get(pk, HEAD)
        except Record.DoesNotExist:
            return None
        return self.get(str(pointer.data["id"]))

    def by_number(self, number: str) -> tuple[Certificate, int] | None:
        return self._follow(f"CERTNO#{number}")

    def by_code(self, code: str) -> tuple[Certificate, int] | None:
        return self._follow(f"CERTCODE#{code}")

    def by_sha256(self, digest: str) -> tuple[Certificate, int] | None:
        return self._follow(f"CERTSHA#{digest}")

    def by_identifier(self, identifier: str) -> tuple[Certificate, int] | None:
        """By the GB/T 36904 licence identifier, as issued (two GetItems)."""
        return self._follow(f"CERTLID#{identifier}")

    def of_holder(self, account: str, first: int, after: str | None) -> Page[Certificate]:
        page = query_page(f"HOLDER#{account}", first=first, after=after, index="GSI1", forward=False)
        return Page([(decode_as(Certificate, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def last_sequence(self, authority: str, year: int) -> tuple[int, int | None]:
        """The last number used and the counter's revision (None: no certificate yet this year)."""
        try:
            record = Record.get(f"SEQ#CERT#{authority}#{year}", HEAD)
        except Record.DoesNotExist:
            return 0, None
        return int(record.data["last"]), int(record.rev)

    @staticmethod
    def sequence_ref(authority: str, year: int) -> Ref[tuple[int, int]]:
        """As `last_sequence` (a missing counter reads as None: no certificate yet this year)."""
        return Ref(f"SEQ#CERT#{authority}#{year}", HEAD, lambda r: (int(r.data["last"]), int(r.rev)))

    def expiring_before(self, day: date, limit: int = 100) -> list[str]:
        records = Record.query("DUE#cert_expiry", range_key_condition=Record.sk < day.isoformat(), limit=limit)
        return [str(r.data["id"]) for r in records]

    def status_changes_due(self, day: date, limit: int = 100) -> list[tuple[str, str]]:
        """(sort key, certificate id) of scheduled status changes effective on or before `day`."""
        condition = Record.sk < f"{day.isoformat()}$"  # '$' sorts after '#': the whole day
        records = Record.query("DUE#cert_status", range_key_condition=condition, limit=limit)
        return [(str(r.sk), str(r.data["id"])) for r in records]

    def verifications(self, certificate_id: str, first: int, after: str | None) -> Page[VerificationLogEntry]:
        page = query_page(f"VERIFYLOG#{certificate_id}", first=first, after=after, forward=False)
        return Page(
            [(decode_as(VerificationLogEntry, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor
        )

    # --- writes ----------------------------------------------------------------------------------

    def stage_issue(
        self, uow: UnitOfWork, cert: Certificate, authority: str, sequence: int, counter_rev: int | None
    ) -> None:
        """The number, the record and its lookups in one transaction: a lost race on the
        counter fails the whole issuance (CONFLICT) and the caller retries with the next number."""
        counter = Record(
            f"SEQ#CERT#{authority}#{cert.issued_on.year}", HEAD, entity="Sequence", data={"last": sequence}
        )
        if counter_rev is None:
            uow.create(counter)
        else:
            uow.replace(counter, counter_rev)
        uow.create(self._record(cert))
        uow.create(_pointer(f"CERTNO#{cert.number}", cert.id))
        uow.create(_pointer(f"CERTCODE#{cert.verification_code}", cert.id))
        uow.create(_pointer(f"CERTSHA#{cert.sha256}", cert.id))
        if cert.identifier:
            uow.create(_pointer(f"CERTLID#{cert.identifier}", cert.id))
        if cert.valid_until is not None:
            uow.upsert(self._expiry(cert))

    def stage_file(self, uow: UnitOfWork, cert: Certificate, rev: int) -> None:
        """A new file of the same certificate (a renewed archival time-stamp): the record points at
        it and its digest finds the certificate; the old digest still does (copies handed out)."""
        uow.replace(self._record(cert), rev)
        uow.create(_pointer(f"CERTSHA#{cert.sha256}", cert.id))

    def stage_update(self, uow: UnitOfWork, cert: Certificate, rev: int) -> None:
        """A suspended licence keeps its expiry entry (it still expires); a final status drops it.
        A scheduled status change gets its due entry; the sweep removes entries it has handled."""
        uow.replace(self._record(cert), rev)
        StatusListRepository.stage_listing(uow, cert)  # the signed status list, same transaction
        if cert.status in FINAL_STATUSES and cert.valid_until is not None:
            uow.delete(self._expiry(cert))
        if cert.pending_effective_on is not None:
            uow.upsert(self._status_due(cert.pending_effective_on.isoformat(), cert.id))

    def stage_identifier(self, uow: UnitOfWork, cert: Certificate, rev: int) -> None:
        """The migration: a record issued before identifiers gets one and its lookup."""
        uow.replace(self._record(cert), rev)
        uow.create(_pointer(f"CERTLID#{cert.identifier}", cert.id))

    def stage_status_done(self, uow: UnitOfWork, sort_key: str) -> None:
        uow.delete(Record("DUE#cert_status", sort_key, entity="DueEntry"))

    def stage_status_unscheduled(self, uow: UnitOfWork, effective_on: date, certificate_id: str) -> None:
        """A cancelled scheduled change: its due entry goes with it (the sweep has nothing to do)."""
        uow.delete(self._status_due(effective_on.isoformat(), certificate_id))

    def log_verification(self, certificate_id: str, entry: VerificationLogEntry) -> None:
        """Appended outside any transaction: a log write must never fail a verification."""
        Record(
            f"VERIFYLOG#{certificate_id}",
            f"{entry.at}#{secrets.token_hex(4)}",
            entity="VerificationLog",
            data=encode(entry),
        ).save()

    @staticmethod
    def _record(cert: Certificate) -> Record:
        return Record(
            f"CERT#{cert.id}",
            HEAD,
            entity="Certificate",
            data=encode(cert),
            # A licence of a case a window filed to the identity alone has no account: it is in no
            # holder's list (and not in one shared `HOLDER#` partition); GSI1 is sparse.
            gsi1pk=f"HOLDER#{cert.holder_account}" if cert.holder_account else None,
            gsi1sk=f"{cert.issued_at}#{cert.id}" if cert.holder_account else None,
        )

    @staticmethod
    def _status_due(day: str, certificate_id: str) -> Record:
        return Record("DUE#cert_status", f"{day}#{certificate_id}", entity="DueEntry", data={"id": certificate_id})

    @staticmethod
    def _expiry(cert: Certificate) -> Record:
        assert cert.valid_until is not None
        data: dict[str, Any] = {"id": cert.id}
        return Record("DUE#cert_expiry", f"{cert.valid_until.isoformat()}#{cert.id}", entity="DueEntry", data=data)
