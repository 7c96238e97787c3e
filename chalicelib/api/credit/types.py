"""Credit records as staff see them."""

from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.api.permissions import STAFF, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.domain import credit as dcr
from chalicelib.domain.verified_identity import IdentityKind as DomainKind
from chalicelib.domain.verified_identity import classify

CreditSeverity = strawberry.enum(
    dcr.Severity, name="CreditSeverity", description="DEFAULT: a broken pledge; SERIOUS: on the 失信名单."
)
IdentityKind = strawberry.enum(DomainKind, name="IdentityKind")


@visible_to(STAFF)
@strawberry.type(description="A credit record of a verified identity (any of its accounts).")
class CreditRecord:
    identifier: str = strawberry.field(description="Resident ID number or unified social credit code.")
    identity_kind: IdentityKind  # type: ignore[valid-type]
    name: str
    severity: CreditSeverity  # type: ignore[valid-type]
    detail: str
    recorded_at: DateTime
    expires_on: date
    centre_id: str = strawberry.field(description="Where it arose.")

    @classmethod
    def from_domain(cls, r: dcr.CreditRecord) -> CreditRecord:
        return cls(
            identifier=r.identifier,
            identity_kind=classify(r.identifier)[1],
            name=r.name,
            severity=r.severity,
            detail=r.detail,
            recorded_at=r.at,
            expires_on=r.expires_on,
            centre_id=r.centre_id,
        )
