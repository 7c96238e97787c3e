"""Material uploads: the presigned target a mutation hands out, and the local stage's upload route.

The blob store is storage; resolvers and routes reach it only here. A refused upload leaves the
store as `BlobError` (a domain type) and, for GraphQL, becomes a `DomainError` right here, so the
API maps only service and domain errors.
"""

from __future__ import annotations

from chalicelib.config import Settings
from chalicelib.domain.errors import DomainError
from chalicelib.domain.uploads import BlobError, BlobInfo, UploadTarget
from chalicelib.storage import blobs


def material_upload_target(
    settings: Settings, owner: str, *, sha256_hex: str, size: int, content_type: str
) -> UploadTarget:
    """A short-lived PUT target for one of `owner`'s material files, bound to its hash and size."""
    try:
        store = blobs.blob_store_from_config(settings)
        return store.upload_target(
            blobs.material_key(owner), sha256_hex=sha256_hex, size=size, content_type=content_type
        )
    except BlobError as error:
        raise DomainError.one(error.code, str(error)) from error


def receive_local_upload(
    settings: Settings, token: str, body: bytes, content_type: str | None
) -> tuple[BlobInfo, bool] | None:
    """Redeem a local upload token (local stage only): (info, created), or None where files go to
    S3 instead. A refused upload raises `BlobError` with its code (the route answers it in HTTP)."""
    store = blobs.blob_store_from_config(settings) if settings.is_local else None
    if not isinstance(store, blobs.LocalBlobStore):
        return None
    return store.receive(token, body, content_type)
