"""Verifying a certificate PDF uploaded straight to storage (chalicelib/domain/verification_upload.py).

`create` hands out a presigned POST bounded to the verification limit (10 MiB) and an opaque
upload id; `verify` reads the file, runs exactly the checks of `certificateVerifyUpload` and
`POST /verify` (the same bounds: PDF_TOO_COMPLEX, time, size) and deletes the file. Both are
public, so both count against the caller's per-minute limit (one UpdateItem each, like public
progress), and every way an id can fail to name the caller's live upload answers NOT_FOUND.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.config import Settings
from chalicelib.domain import public_progress as dp
from chalicelib.domain import verification_upload as dvu
from chalicelib.domain.certificate import CertCode, VerificationChannel
from chalicelib.domain.errors import DomainError
from chalicelib.services import clock
from chalicelib.services.certificates import MAX_PDF_BYTES, CertificateService, UploadCheck
from chalicelib.storage import verification_uploads as vu
from chalicelib.storage.rate_limit_repository import RateLimitRepository
from chalicelib.storage.verification_uploads import PostTarget, TooLarge, VerificationUploads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerificationUpload:
    upload_id: str
    target: PostTarget


def _not_found() -> DomainError:
    return DomainError.one(dvu.VerificationUploadCode.NOT_FOUND, dvu.NOT_FOUND_MESSAGE, "uploadId")


class VerificationUploadService:
    def __init__(
        self,
        uploads: VerificationUploads,
        certificates: Callable[[], CertificateService],
        per_minute: int,
        rates: RateLimitRepository | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.uploads = uploads
        self.certificates = certificates  # built only when a file is really verified
        self.per_minute = per_minute
        self.rates = rates or RateLimitRepository()
        self.now = now or (lambda: clock.utc_now())

    def _count(self, caller_key: str) -> None:
        now = self.now()
        key = f"verify-upload:{caller_key}"
        if self.rates.hit(key, dp.rate_window(now), now + dp.RATE_RECORD_LIFETIME) > self.per_minute:
            raise DomainError.one(dvu.VerificationUploadCode.RATE_LIMITED, dvu.RATE_LIMITED_MESSAGE)

    def create(self, caller_key: str) -> VerificationUpload:
        """One UpdateItem (the rate limit), no S3 request (presigning is local)."""
        self._count(caller_key)
        upload_id = dvu.new_upload_id()
        key = dvu.object_key(caller_key, upload_id)
        return VerificationUpload(upload_id, self.uploads.post_target(key, MAX_PDF_BYTES, dvu.UPLOAD_EXPIRES_IN))

    def verify(self, upload_id: str, caller_key: str, caller: str) -> UploadCheck:
        """The report of the caller's uploaded file, which is then deleted: one GetObject and one
        DeleteObject, the rate limit's UpdateItem, then what any verification costs (the registry
        lookup by hash, two GetItems, and the verification log's PutItem when it matches)."""
        self._count(caller_key)
        if not dvu.is_well_formed(upload_id):
            raise _not_found()
        key = dvu.object_key(caller_key, upload_id)
        try:
            fetched = self.uploads.fetch(key, MAX_PDF_BYTES)
        except TooLarge:
            self._delete(key)
            message = f"文件不能超过{MAX_PDF_BYTES // 1048576} MiB"
            raise DomainError.one(CertCode.PDF_TOO_LARGE, message, "uploadId") from None
        if fetched is None:
            raise _not_found()
        try:
            if self.now() - fetched.uploaded_at > dvu.UPLOAD_LIFETIME:  # the lifecycle rule runs late
                raise _not_found()
            return self.certificates().verify_upload(fetched.data, VerificationChannel.PRESIGNED_UPLOAD, caller)
        finally:
            self._delete(key)

    def _delete(self, key: str) -> None:
        try:
            self.uploads.delete(key)
        except Exception:  # the answer matters more; the bucket expires it within a day anyway
            log.exception("could not delete verification upload %s", key)


# The local form route's answers, by code (S3 answers these itself on deployed stages).
LOCAL_UPLOAD_STATUS = {vu.TOKEN_INVALID: 403, vu.EXPIRED: 403, vu.TOO_LARGE: 413, vu.INVALID: 400}


def receive_local_upload(settings: Settings, token: str, body: bytes, content_type: str) -> bool:
    """Take a presigned POST form where verification uploads live in a folder (the local stage and
    the tests): False where they go to S3 (the route then answers 404). A refused form raises
    `DomainError` with the store's code, so the route needs nothing from storage."""
    store = vu.verification_uploads_from_config(settings)
    if not isinstance(store, vu.LocalVerificationUploads):
        return False
    try:
        store.receive(token, body, content_type)
    except vu.UploadRefused as error:
        raise DomainError.one(error.code, error.message) from error
    return True
