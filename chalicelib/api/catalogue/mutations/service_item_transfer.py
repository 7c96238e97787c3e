"""serviceItemTransfer: hand an item to another department (seed 003 划转)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.errors import catch
from chalicelib.api.catalogue.mutations.base import ServiceItemPayload, payload
from chalicelib.api.relay import decode_id
from chalicelib.services.catalogue import CatalogueChange


@strawberry.input
class ServiceItemTransferInput:
    id: strawberry.ID
    department_id: strawberry.ID
    expected_version: int
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class ServiceItemTransferPayload(ServiceItemPayload):
    pass


def service_item_transfer(info: Info, input: ServiceItemTransferInput) -> ServiceItemTransferPayload:
    ctx = info.context
    item, errors = catch(
        lambda: ctx.catalogue.transfer_item(
            ctx.principal,
            decode_id(input.id, "ServiceItem"),
            decode_id(input.department_id, "Department", "departmentId"),
            CatalogueChange(input.reason, input.expected_version, input.idempotency_key),
        )
    )
    return payload(ServiceItemTransferPayload, item, errors)  # type: ignore[return-value]
