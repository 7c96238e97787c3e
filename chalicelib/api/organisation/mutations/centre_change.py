"""centreChange: name, address and phone of a centre, as a new published version."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre
from chalicelib.api.organisation.errors import catch
from chalicelib.api.organisation.mutations.base import CentrePayload
from chalicelib.api.relay import decode_id


@strawberry.input
class CentreChangeInput:
    id: strawberry.ID
    expected_version: int
    name: str
    address: str
    phone: str
    reason: str


@strawberry.type
class CentreChangePayload(CentrePayload):
    pass


def centre_change(info: Info, input: CentreChangeInput) -> CentreChangePayload:
    ctx = info.context
    centre, errors = catch(
        lambda: ctx.organisation.change_centre(
            ctx.principal,
            decode_id(input.id, "Centre"),
            input.name,
            input.address,
            input.phone,
            input.reason,
            input.expected_version,
        )
    )
    return CentreChangePayload(centre=Centre.from_domain(centre) if centre else None, user_errors=errors)
