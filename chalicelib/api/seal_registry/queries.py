"""Seal registry query: a bureau's registered seals (its administrators, a city administrator for
its subtree)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.errors import ApiError
from chalicelib.api.permissions import ADMIN, field
from chalicelib.api.relay import decode_id
from chalicelib.api.seal_registry.types import BureauSealRegistry
from chalicelib.domain.errors import DomainError


@strawberry.type
class SealRegistryQuery:
    @field(
        access=ADMIN,
        description="A bureau's registered seals with validity, rotation and legal basis (administrators of "
        "the bureau's centre or a centre above it).",
    )
    def bureau_seal_registry(self, info: Info, bureau_id: strawberry.ID) -> BureauSealRegistry:
        try:
            view = info.context.seal_registry_admin.read_bureau(
                info.context.principal, decode_id(bureau_id, "Department", "bureauId")
            )
        except DomainError as error:
            first = error.violations[0]
            raise ApiError(first.code, first.message, field="bureauId") from None
        return BureauSealRegistry.from_view(view)
