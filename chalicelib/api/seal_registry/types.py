"""GraphQL types of the seal registry (印章登记册) as its administrators see it (seed 003 二(七))."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import ADMIN, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.services.seal_registry_admin import BureauSeals, RegisteredSealView


@visible_to(ADMIN)
@strawberry.type(description="One registered seal certificate of a bureau and when it may seal.")
class RegisteredSeal:
    fingerprint: str = strawberry.field(description="SHA-256 of the certificate (hex): what verifiers pin.")
    subject: str
    valid_from: DateTime
    valid_to: DateTime | None = strawberry.field(description="Null: open-ended (until a rotation closes it).")
    certificate_not_before: DateTime
    certificate_not_after: DateTime
    replaces: str | None = strawberry.field(description="Fingerprint of the seal this one rotated out.")
    note: str
    current: bool = strawberry.field(description="The seal the bureau seals with now.")
    certificate_pem: str

    @classmethod
    def from_view(cls, s: RegisteredSealView) -> RegisteredSeal:
        return cls(
            fingerprint=s.fingerprint,
            subject=s.subject,
            valid_from=s.valid_from.isoformat(),
            valid_to=s.valid_to.isoformat() if s.valid_to else None,
            certificate_not_before=s.certificate_not_before.isoformat(),
            certificate_not_after=s.certificate_not_after.isoformat(),
            replaces=s.replaces,
            note=s.note,
            current=s.current,
            certificate_pem=s.certificate_pem,
        )


@visible_to(ADMIN)
@strawberry.type(description="A bureau's entry in the seal registry: legal basis and every seal, oldest first.")
class BureauSealRegistry:
    name: str
    legal_basis: str = strawberry.field(description="电子印章效力依据: the government notice (seed 003 二(七)).")
    registry_version: int = strawberry.field(description="Pass it back as `expectedVersion` to rotate.")
    published_at: DateTime
    seals: list[RegisteredSeal] = strawberry.field(description="Bounded: a bureau has a handful of seals.")
    bureau: strawberry.Private[str]

    @field(access=ADMIN, description="The bureau (a Department of kind BUREAU).")
    def bureau_id(self) -> strawberry.ID:
        return global_id("Department", self.bureau)

    @classmethod
    def from_view(cls, v: BureauSeals) -> BureauSealRegistry:
        return cls(
            name=v.name,
            legal_basis=v.legal_basis,
            registry_version=v.registry_version,
            published_at=v.published_at.isoformat(),
            seals=[RegisteredSeal.from_view(s) for s in v.seals],
            bureau=v.bureau_id,
        )
