"""sealRotationRegister: register a bureau's new seal certificate (a rotation), closing the current
seal where the new one starts, as the next version of the seal registry (seed 003 二(七))."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.scalars import DateTime
from chalicelib.api.seal_registry.errors import SealRegistryError, catch
from chalicelib.api.seal_registry.types import BureauSealRegistry
from chalicelib.services.seal_registry_admin import BureauSeals


@strawberry.input
class SealRotationRegisterInput:
    bureau_id: strawberry.ID
    certificate_pem: str = strawberry.field(description="The new seal certificate (PEM); its key stays in KMS.")
    valid_from: DateTime = strawberry.field(description="When the new seal starts sealing (not in the past).")
    valid_to: DateTime = strawberry.field(description="When it stops: within the certificate's own validity.")
    expected_version: int = strawberry.field(
        description="The registry version read (`registryVersion`): a retry or a concurrent change is refused."
    )
    legal_basis: str = strawberry.field(default="", description="New legal basis text; empty keeps the current.")
    note: str = ""


@visible_to(AUTHENTICATED)
@strawberry.type
class SealRotationRegisterPayload:
    bureau: BureauSealRegistry | None
    user_errors: list[SealRegistryError]


def seal_rotation_register(info: Info, input: SealRotationRegisterInput) -> SealRotationRegisterPayload:
    ctx = info.context

    def action() -> BureauSeals:
        return ctx.seal_registry_admin.register_rotation(
            ctx.principal,
            decode_id(input.bureau_id, "Department", "bureauId"),
            input.certificate_pem,
            datetime.fromisoformat(input.valid_from),
            datetime.fromisoformat(input.valid_to),
            input.legal_basis,
            input.note,
            input.expected_version,
        )

    result, errors = catch(action)
    return SealRotationRegisterPayload(
        bureau=BureauSealRegistry.from_view(result) if result else None, user_errors=errors
    )
