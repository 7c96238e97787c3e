"""Seal registry administration `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.seal_rotation import SealRotationCode

SealRegistryErrorCode = code_enum(
    "SealRegistryErrorCode",
    [v for k, v in vars(SealRotationCode).items() if k.isupper()],
    "Why a seal registry command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class SealRegistryError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: SealRegistryErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(SealRegistryError, SealRegistryErrorCode)
