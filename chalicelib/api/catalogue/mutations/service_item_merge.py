"""serviceItemMerge: fold items into one target (seed 003 合并)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.errors import catch
from chalicelib.api.catalogue.mutations.base import ServiceItemPayload, payload
from chalicelib.api.relay import decode_id
from chalicelib.services.catalogue import CatalogueChange


@strawberry.input
class ServiceItemMergeInput:
    id: strawberry.ID = strawberry.field(description="The item that remains.")
    source_ids: list[strawberry.ID] = strawberry.field(description="Items closed as merged into it.")
    expected_version: int
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class ServiceItemMergePayload(ServiceItemPayload):
    pass


def service_item_merge(info: Info, input: ServiceItemMergeInput) -> ServiceItemMergePayload:
    ctx = info.context
    item, errors = catch(
        lambda: ctx.catalogue.merge_items(
            ctx.principal,
            decode_id(input.id, "ServiceItem"),
            [decode_id(s, "ServiceItem", f"sourceIds[{i}]") for i, s in enumerate(input.source_ids)],
            CatalogueChange(input.reason, input.expected_version, input.idempotency_key),
        )
    )
    return payload(ServiceItemMergePayload, item, errors)  # type: ignore[return-value]
