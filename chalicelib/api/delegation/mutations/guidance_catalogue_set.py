"""guidanceCatalogueSet: the city sets one tier's guidance catalogue (seed 003 二(一)2)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.delegation.errors import DelegationError, catch
from chalicelib.api.delegation.types import GuidanceCatalogue, GuidanceTier
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import delegation as dd


@strawberry.input
class GuidanceCatalogueSetInput:
    tier: GuidanceTier  # type: ignore[valid-type]
    item_ids: list[strawberry.ID]
    reason: str


@visible_to(AUTHENTICATED)
@strawberry.type
class GuidanceCatalogueSetPayload:
    guidance_catalogue: GuidanceCatalogue | None
    user_errors: list[DelegationError]


def guidance_catalogue_set(info: Info, input: GuidanceCatalogueSetInput) -> GuidanceCatalogueSetPayload:
    ctx = info.context

    def action() -> dd.GuidanceCatalogue:
        codes = [
            decode_id(i, "ServiceItem", f"itemIds[{n}]") for n, i in enumerate(input.item_ids[: dd.MAX_CATALOGUE + 1])
        ]
        return ctx.delegation.set_catalogue(ctx.principal, dd.GuidanceTier(input.tier), codes, input.reason)

    found, errors = catch(action)
    return GuidanceCatalogueSetPayload(
        guidance_catalogue=GuidanceCatalogue.from_domain(found) if found else None, user_errors=errors
    )
