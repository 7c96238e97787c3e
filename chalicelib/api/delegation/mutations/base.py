"""What the adjustment-request mutations share: the payload shape and the run-and-catch step."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from chalicelib.api.delegation.errors import DelegationError, catch
from chalicelib.api.delegation.types import AdjustmentMemo, AdjustmentRequest
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.domain import delegation as dd


@visible_to(AUTHENTICATED)
@strawberry.type
class AdjustmentRequestPayload:
    adjustment_request: AdjustmentRequest | None
    memo: AdjustmentMemo | None = strawberry.field(description="The memo an approval published.")
    user_errors: list[DelegationError]


Outcome = tuple[dd.AdjustmentRequest, dd.AdjustmentMemo | None]


def run(cls: type[AdjustmentRequestPayload], action: Callable[[], Outcome]) -> AdjustmentRequestPayload:
    result, errors = catch(action)
    request, memo = result if result else (None, None)
    return cls(
        adjustment_request=AdjustmentRequest.from_domain(request) if request else None,
        memo=AdjustmentMemo.from_domain(memo) if memo else None,
        user_errors=errors,
    )
