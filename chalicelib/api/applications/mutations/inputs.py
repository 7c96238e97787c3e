"""Inputs shared by several application mutations."""

from __future__ import annotations

import strawberry

from chalicelib.api.relay import decode_id
from chalicelib.services.applications import MaterialRef


@strawberry.input(
    description="One material: a file uploaded through `materialUploadCreate` (blobKey, sha256, size), "
    "or a certificate already issued to the applicant (certificateId) — seed 000 批文入库、资料共享."
)
class MaterialFileInput:
    code: str = strawberry.field(description="The item's material code this satisfies.")
    file_name: str = ""
    blob_key: str = ""
    sha256: str = ""
    size: int = 0
    certificate_id: strawberry.ID | None = None


def to_refs(materials: list[MaterialFileInput]) -> list[MaterialRef]:
    return [
        MaterialRef(
            m.code,
            m.file_name,
            m.blob_key,
            m.sha256,
            m.size,
            decode_id(m.certificate_id, "Certificate", f"materials[{i}].certificateId") if m.certificate_id else None,
        )
        for i, m in enumerate(materials[:100])
    ]
