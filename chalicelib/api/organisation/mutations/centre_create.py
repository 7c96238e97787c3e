"""centreCreate: a new centre in the network (seed 000 一: district, zone, township, community)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre, CentreLevel
from chalicelib.api.organisation.errors import catch
from chalicelib.api.organisation.mutations.base import CentrePayload
from chalicelib.api.relay import decode_id
from chalicelib.domain import organisation as org
from chalicelib.services.organisation import new_centre


@strawberry.input
class CentreCreateInput:
    code: str = strawberry.field(description="The centre's id: 2-40 lower-case letters, digits or hyphens.")
    name: str
    level: CentreLevel  # type: ignore[valid-type]
    parent_id: strawberry.ID | None = None
    address: str = ""
    phone: str = ""
    reason: str = ""


@strawberry.type
class CentreCreatePayload(CentrePayload):
    pass


def centre_create(info: Info, input: CentreCreateInput) -> CentreCreatePayload:
    ctx = info.context

    def run() -> org.Centre:
        parent = decode_id(input.parent_id, "Centre", "parentId") if input.parent_id else None
        centre = new_centre(input.code, input.name, org.CentreLevel(input.level), parent, input.address, input.phone)
        return ctx.organisation.create_centre(ctx.principal, centre, input.reason)

    centre, errors = catch(run)
    return CentreCreatePayload(centre=Centre.from_domain(centre) if centre else None, user_errors=errors)
