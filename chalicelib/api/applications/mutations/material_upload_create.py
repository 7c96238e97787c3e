"""materialUploadCreate: a presigned target to upload one material file outside GraphQL.

The client PUTs the file to `url` with `headers`; S3 (or the local store) refuses a body whose
size or SHA-256 differ from what was declared here. The returned `blobKey` is then cited in
`applicationFile`/`applicationSupplement`, which check the stored file again.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.errors import ApplicationError, catch
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.services.uploads import material_upload_target


@strawberry.enum(description="The HTTP method to send the file with.")
class HttpMethod(Enum):
    PUT = "PUT"


@strawberry.input
class MaterialUploadCreateInput:
    sha256: str = strawberry.field(description="Hex SHA-256 of the file.")
    size: int
    content_type: str = "application/pdf"


@visible_to(AUTHENTICATED)
@strawberry.type
class HttpHeader:
    name: str
    value: str


@visible_to(AUTHENTICATED)
@strawberry.type
class UploadTarget:
    url: str
    method: HttpMethod  # type: ignore[valid-type]
    headers: list[HttpHeader]
    blob_key: str
    expires_at: DateTime
    max_bytes: int


@visible_to(AUTHENTICATED)
@strawberry.type
class MaterialUploadCreatePayload:
    upload: UploadTarget | None
    user_errors: list[ApplicationError]


def material_upload_create(info: Info, input: MaterialUploadCreateInput) -> MaterialUploadCreatePayload:
    ctx = info.context

    def action() -> UploadTarget:
        target = material_upload_target(
            ctx.settings,
            ctx.principal.subject or "",
            sha256_hex=input.sha256,
            size=input.size,
            content_type=input.content_type,
        )
        return UploadTarget(
            url=target.url,
            method=HttpMethod(target.method),
            headers=[HttpHeader(name=k, value=v) for k, v in sorted(target.headers.items())],
            blob_key=target.key,
            expires_at=target.expires_at,
            max_bytes=target.max_bytes,
        )

    upload, errors = catch(action)
    return MaterialUploadCreatePayload(upload=upload, user_errors=errors)
