"""handoverConfirm: the receiving centre confirms it received one part (seed 003 二(二)3)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.handover.errors import HandoverError, catch
from chalicelib.api.handover.types import Handover, HandoverPartKind
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import handover as dh


@strawberry.input
class HandoverConfirmInput:
    id: strawberry.ID
    part: HandoverPartKind  # type: ignore[valid-type]
    note: str = ""


@visible_to(AUTHENTICATED)
@strawberry.type
class HandoverConfirmPayload:
    handover: Handover | None
    user_errors: list[HandoverError]


def handover_confirm(info: Info, input: HandoverConfirmInput) -> HandoverConfirmPayload:
    ctx = info.context
    found, errors = catch(
        lambda: ctx.handovers.confirm(
            ctx.principal, decode_id(input.id, "Handover"), dh.HandoverPartKind(input.part), input.note
        )
    )
    return HandoverConfirmPayload(handover=Handover.from_domain(found) if found else None, user_errors=errors)
