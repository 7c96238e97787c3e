"""Certificate type queries: the registry and one type (any version), for staff."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificate_types.types import CertificateType
from chalicelib.api.permissions import STAFF, field
from chalicelib.api.relay import Connection, page_size, to_connection


@strawberry.type
class CertificateTypeQuery:
    @field(access=STAFF, description="The certificate type registry by code (one read a page).")
    def certificate_types(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CertificateType]:
        page = info.context.certificate_types.page(page_size(first), after)
        return to_connection(page, CertificateType.from_domain)

    @field(
        access=STAFF,
        description="One type by code: the current version, or `version` (what a certificate was rendered with).",
    )
    def certificate_type(self, info: Info, code: str, version: int | None = None) -> CertificateType | None:
        service = info.context.certificate_types
        found = service.get(code) if version is None else service.version(code, version)
        return CertificateType.from_domain(found) if found is not None else None
