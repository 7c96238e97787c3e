"""What resolvers read about certificates: one record, a holder's certificates, the verification
log, the sealed PDF (the pattern: services/application_reads.py). Who may see a certificate is
still decided by `CertificateService.may_see`, as before."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.certificate import Certificate
from chalicelib.domain.pages import Page
from chalicelib.domain.worklist import VerificationLogEntry
from chalicelib.storage.blobs import BlobStore
from chalicelib.storage.certificate_repository import CertificateRepository


class CertificateReads:
    def __init__(self, certificates: CertificateRepository, blobs: Callable[[], BlobStore]) -> None:
        self.certificates = certificates
        self.blobs = blobs  # built on first use: most reads never touch a file

    def read_certificate(self, certificate_id: str) -> Certificate | None:
        """The registry record (one GetItem)."""
        found = self.certificates.get(certificate_id)
        return found[0] if found else None

    def page_of_holder(self, account: str, first: int, after: str | None) -> Page[Certificate]:
        """Certificates issued to one account, newest first (one Query on GSI1)."""
        return self.certificates.of_holder(account, first, after)

    def page_verifications(self, certificate_id: str, first: int, after: str | None) -> Page[VerificationLogEntry]:
        """Every verification of the certificate, newest first."""
        return self.certificates.verifications(certificate_id, first, after)

    def read_pdf(self, blob_key: str) -> bytes | None:
        """The sealed PDF as stored, or None when the file is missing."""
        return self.blobs().get(blob_key)
