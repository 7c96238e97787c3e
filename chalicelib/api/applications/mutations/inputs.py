"""Inputs shared by several application mutations."""

from __future__ import annotations

import strawberry

from chalicelib.services.applications import MaterialRef


@strawberry.input(description="A material file uploaded through `materialUploadCreate`.")
class MaterialFileInput:
    code: str = strawberry.field(description="The item's material code this file satisfies.")
    file_name: str
    blob_key: str
    sha256: str
    size: int


def to_refs(materials: list[MaterialFileInput]) -> list[MaterialRef]:
    return [MaterialRef(m.code, m.file_name, m.blob_key, m.sha256, m.size) for m in materials]
