"""centreClose: 撤销 a centre that nothing depends on any more (no open cases, sub-centres,
departments, powers or window posts)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre
from chalicelib.api.organisation.errors import catch
from chalicelib.api.organisation.mutations.base import CentrePayload
from chalicelib.api.relay import decode_id


@strawberry.input
class CentreCloseInput:
    id: strawberry.ID
    expected_version: int
    reason: str


@strawberry.type
class CentreClosePayload(CentrePayload):
    pass


def centre_close(info: Info, input: CentreCloseInput) -> CentreClosePayload:
    ctx = info.context
    centre, errors = catch(
        lambda: ctx.organisation.close_centre(
            ctx.principal, decode_id(input.id, "Centre"), input.reason, input.expected_version
        )
    )
    return CentreClosePayload(centre=Centre.from_domain(centre) if centre else None, user_errors=errors)
