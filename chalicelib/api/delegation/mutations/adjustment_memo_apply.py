"""adjustmentMemoApply: the published memo changes the delegations, all at once and only once."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import ServiceItem
from chalicelib.api.delegation.errors import DelegationError, catch
from chalicelib.api.delegation.types import AdjustmentMemo
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id


@strawberry.input
class AdjustmentMemoApplyInput:
    id: strawberry.ID


@visible_to(AUTHENTICATED)
@strawberry.type
class AdjustmentMemoApplyPayload:
    memo: AdjustmentMemo | None
    service_items: list[ServiceItem] = strawberry.field(description="Every item as the memo left it.")
    user_errors: list[DelegationError]


def adjustment_memo_apply(info: Info, input: AdjustmentMemoApplyInput) -> AdjustmentMemoApplyPayload:
    ctx = info.context
    result, errors = catch(lambda: ctx.delegation.apply_memo(ctx.principal, decode_id(input.id, "AdjustmentMemo")))
    memo, items = result if result else (None, [])
    return AdjustmentMemoApplyPayload(
        memo=AdjustmentMemo.from_domain(memo) if memo else None,
        service_items=[ServiceItem.from_domain(i) for i in items],
        user_errors=errors,
    )
