"""certificateVerificationUploadCreate: a presigned POST for a PDF too large for one request.

`POST /verify` takes at most 4 MiB (Lambda's 6 MB request payload, base64); a file up to 10 MiB
is POSTed straight to storage as a multipart form (`fields` first, then the file as `file`),
then verified with `certificateVerificationUploadVerify(uploadId)`. Public and rate-limited; the
upload id works only for the caller who asked for it.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.errors import CertificateVerificationUploadError, catch_verification_upload
from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.api.scalars import DateTime


@visible_to(PUBLIC)
@strawberry.type(description="One field of the upload form, sent before the file.")
class UploadFormField:
    name: str
    value: str


@visible_to(PUBLIC)
@strawberry.type(description="Where and how to POST the PDF (multipart/form-data: every field, then `file`).")
class VerificationUploadTarget:
    upload_id: str = strawberry.field(description="Opaque; pass it to certificateVerificationUploadVerify.")
    url: str
    fields: list[UploadFormField]
    expires_at: DateTime = strawberry.field(description="The form must be sent before this.")
    max_bytes: int = strawberry.field(description="Larger files are refused by the storage itself.")


@visible_to(PUBLIC)
@strawberry.type
class CertificateVerificationUploadCreatePayload:
    upload: VerificationUploadTarget | None
    user_errors: list[CertificateVerificationUploadError]


def certificate_verification_upload_create(info: Info) -> CertificateVerificationUploadCreatePayload:
    ctx = info.context

    def action() -> VerificationUploadTarget:
        created = ctx.verification_uploads.create(ctx.caller_key)
        target = created.target
        return VerificationUploadTarget(
            upload_id=created.upload_id,
            url=target.url,
            fields=[UploadFormField(name=k, value=v) for k, v in target.fields.items()],
            expires_at=target.expires_at,
            max_bytes=target.max_bytes,
        )

    upload, errors = catch_verification_upload(action)
    return CertificateVerificationUploadCreatePayload(upload=upload, user_errors=errors)
