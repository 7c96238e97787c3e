"""Local tuning queries: a centre's effective version of an item, and its tunings (public)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import ServiceItem
from chalicelib.api.errors import NOT_FOUND, ApiError
from chalicelib.api.permissions import PUBLIC, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.api.tuning.types import LocalTuning


@strawberry.type
class TuningQuery:
    @field(
        access=PUBLIC,
        description="The item as one centre publishes it (its local tuning applied); NOT_FOUND where the "
        "centre does not handle the item.",
    )
    def local_service_item(self, info: Info, item_id: strawberry.ID, centre_id: strawberry.ID) -> ServiceItem:
        item = info.context.tuning.effective(
            decode_id(item_id, "ServiceItem", "itemId"), decode_id(centre_id, "Centre", "centreId")
        )
        if item is None:
            raise ApiError(NOT_FOUND, "该中心不办理此事项", field="itemId")
        return ServiceItem.from_domain(item)

    @field(access=PUBLIC, description="A receiving centre's local tunings, by item code.")
    def local_tunings(
        self, info: Info, centre_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[LocalTuning]:
        centre = decode_id(centre_id, "Centre", "centreId")
        page = info.context.tuning.of_centre(centre, page_size(first), after)
        info.context.centres.want([centre])
        return to_connection(page, LocalTuning.from_domain)
