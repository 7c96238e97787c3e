"""Re-time-stamping archived certificates before their time-stamps stop being verifiable.

Issue 13 point 6. Issuance records when the sealed file's newest time-stamp's TSA certificate
expires (`DUE#ts_renewal`, `stage_issued`); the hourly scheduled run (services/sweep.py, phase
`certificate_retimestamped`) Queries the entries expiring within `UAP_RETIMESTAMP_MARGIN_DAYS`
(default 180) and, per certificate, in its own transaction:

- reads the stored file and checks it is the registered one (its SHA-256);
- adds fresh validation data and a new document time-stamp from `UAP_SEAL_TSA_URL`
  (`signing.archive.renew_archival_timestamp`, B-LTA archive time-stamp chain);
- stores the new file under a new key (stored files are write-once) and, in one transaction,
  points the registry record at it (its SHA-256 and size; the old digest keeps finding the
  certificate, for copies already handed out), moves the due entry to the new expiry and appends
  the event to the case's audit trail.

Idempotent: a renewed certificate's entry moves past the cutoff, so the next run skips it.
Anything that goes wrong (TSA or OCSP down, a TSA whose own certificate does not outlive the old
one, the stored file not matching the registry, a concurrent change) leaves the old file and the
entry as they were, and the next run tries again.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from chalicelib.domain import application as da
from chalicelib.domain import archival_timestamp as dts
from chalicelib.domain.archival_timestamp import TimestampDue
from chalicelib.domain.certificate import Certificate
from chalicelib.domain.errors import DomainError
from chalicelib.services.budget import UNLIMITED, Budget
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.archival_timestamp_repository import ArchivalTimestampRepository
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Renewer = Callable[[bytes], bytes]
MAX_PER_RUN = 500  # one Query page of due entries (~100 bytes each)


class FileStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> object: ...
    def get(self, key: str) -> bytes | None: ...


def timestamps_configured() -> bool:
    """Sealing with a TSA (B-T and up) is what gives a file a time-stamp to renew."""
    return bool(os.environ.get("UAP_SEAL_TSA_URL", "").strip())


def stage_issued(uow: UnitOfWork, repo: ArchivalTimestampRepository, cert: Certificate, pdf: bytes) -> None:
    """At issuance: file the certificate under its newest time-stamp's expiry (nothing at B-B)."""
    if not timestamps_configured():
        return
    from signing.archive import last_timestamp_expiry

    expires = last_timestamp_expiry(pdf)
    if expires is not None:
        repo.stage_due(uow, TimestampDue(cert.id, expires.date()))


def default_renewer() -> Renewer:
    """The configured TSA and trust anchors (the same the seal and verification use)."""
    import signing
    from signing.archive import renew_archival_timestamp

    url = os.environ["UAP_SEAL_TSA_URL"].strip()
    roots = signing.trust_roots_from_env()
    return lambda pdf: renew_archival_timestamp(pdf, url, roots)


def renew_archival_timestamps(
    due: ArchivalTimestampRepository,
    certificates: CertificateRepository,
    applications: ApplicationRepository,
    blobs: FileStore,
    now: datetime,
    *,
    renew: Renewer | None = None,
    margin: int | None = None,
    budget: Budget = UNLIMITED,
) -> Counter[str]:
    """One run: renew what is due, each certificate in its own transaction; outcomes counted."""
    outcome: Counter[str] = Counter()
    if not timestamps_configured() and renew is None:
        return outcome
    days = margin if margin is not None else dts.margin_days(os.environ.get("UAP_RETIMESTAMP_MARGIN_DAYS"))
    # A TSA certificate's expiry is shared by everything it stamped: the entries come in bursts, so
    # a run takes as many as its time budget allows (a renewal is a TSA and an OCSP round trip and
    # a transaction, ~0.3 s) and the next hourly run continues.
    entries = due.due_by(dts.renewal_cutoff(da.china_date(now), days), limit=MAX_PER_RUN)
    if not entries:
        return outcome
    renewer = renew or default_renewer()
    for entry in entries:
        if budget.exhausted():
            outcome["retimestamp_deferred"] += 1
            continue
        outcome[_renew_one(entry, due, certificates, applications, blobs, renewer, now)] += 1
    return outcome


def _renew_one(
    entry: TimestampDue,
    due: ArchivalTimestampRepository,
    certificates: CertificateRepository,
    applications: ApplicationRepository,
    blobs: FileStore,
    renew: Renewer,
    now: datetime,
) -> str:
    from signing.archive import ArchiveError, last_timestamp_expiry

    found = certificates.get(entry.certificate_id)
    if found is None:
        log.error("time-stamp renewal: certificate %s is not in the registry", entry.certificate_id)
        return "retimestamp_missing"
    cert, rev = found
    pdf = blobs.get(cert.blob_key)
    if pdf is None or hashlib.sha256(pdf).hexdigest() != cert.sha256:
        log.error("time-stamp renewal: the stored file of %s is not the registered one: left alone", cert.number)
        return "retimestamp_file_mismatch"
    try:
        renewed = renew(pdf)
    except ArchiveError as error:  # TSA or revocation source down: the next run tries again
        log.warning("time-stamp renewal of %s failed, retried next run: %s", cert.number, error)
        return "retimestamp_failed"
    new_expiry = last_timestamp_expiry(renewed)
    new_day = new_expiry.date() if new_expiry is not None else None
    if not dts.extends(entry.expires_on, new_day) or new_day is None:
        log.error(
            "time-stamp renewal of %s: the TSA's certificate (%s) does not outlive the old time-stamp's (%s); "
            "rotate the TSA (UAP_SEAL_TSA_URL): retried next run",
            cert.number,
            new_day,
            entry.expires_on,
        )
        return "retimestamp_tsa_not_rotated"
    digest = hashlib.sha256(renewed).hexdigest()
    key = f"{cert.blob_key.split('.lta-', 1)[0]}.lta-{digest[:16]}"  # write-once: a new key per file
    try:
        blobs.put(key, renewed, "application/pdf")
    except Exception:
        log.exception("time-stamp renewal of %s: storing the new file failed, retried next run", cert.number)
        return "retimestamp_failed"
    updated = replace(cert, sha256=digest, blob_key=key, size=len(renewed))
    case_found = applications.get(cert.application_id)
    if case_found is None:
        log.error("time-stamp renewal: certificate %s has no case", cert.number)
        return "retimestamp_missing"
    case, case_rev = case_found
    transition = dts.record_renewal(case, now, cert.number, entry.expires_on, new_day, digest)
    uow = UnitOfWork()
    certificates.stage_file(uow, updated, rev)
    due.stage_renewed(uow, entry, TimestampDue(cert.id, new_day))
    applications.stage_change(uow, case, transition.case, case_rev, transition.event, da.china_date(now))
    try:
        uow.commit()
    except DomainError:  # the record or the case changed meanwhile: the next run looks again
        log.warning("time-stamp renewal of %s lost a race: retried next run", cert.number)
        return "retimestamp_conflict"
    log.info("time-stamp of %s renewed: %s -> %s", cert.number, entry.expires_on, new_day)
    return "certificate_retimestamped"
