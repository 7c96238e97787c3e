"""GraphQL type of an emergency first handling (先予办理) authorisation, shown on its case."""

from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, STAFF, field, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.domain import emergency_handling as de


@visible_to(AUTHENTICATED)
@strawberry.type(description="先予办理 (seed 004 二(三)): why, under which provision, and what must follow by when.")
class EmergencyAuthorisation:
    reason: str
    legal_basis: str
    material_codes: list[str]
    due_on: date
    authorised_at: DateTime
    authoriser: strawberry.Private[str]

    @field(access=STAFF, description="The supervisor who authorised it (staff only).")
    def authorised_by(self) -> str:
        return self.authoriser

    @classmethod
    def from_domain(cls, e: de.EmergencyAuthorisation | None) -> EmergencyAuthorisation | None:
        if e is None:
            return None
        return cls(
            reason=e.reason,
            legal_basis=e.legal_basis,
            material_codes=list(e.material_codes),
            due_on=e.due_on,
            authorised_at=e.authorised_at,
            authoriser=e.authorised_by,
        )
