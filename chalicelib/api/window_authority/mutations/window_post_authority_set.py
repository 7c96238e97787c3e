"""windowPostAuthoritySet: an administrator sets the immediate items a window post may decide
(seed 004 三(三) 授予窗口工作人员审批权); an empty list withdraws the authority."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.window_authority.errors import WindowAuthorityError, catch
from chalicelib.api.window_authority.types import WindowPostAuthority, decode_post
from chalicelib.domain.window_authority import WindowAuthority


@strawberry.input
class WindowPostAuthoritySetInput:
    window_post_id: strawberry.ID
    item_ids: list[strawberry.ID]
    reason: str


@visible_to(AUTHENTICATED)
@strawberry.type
class WindowPostAuthoritySetPayload:
    authority: WindowPostAuthority | None
    user_errors: list[WindowAuthorityError]


def window_post_authority_set(info: Info, input: WindowPostAuthoritySetInput) -> WindowPostAuthoritySetPayload:
    ctx = info.context

    def action() -> WindowAuthority:
        centre_id, post_id = decode_post(input.window_post_id)
        codes = [decode_id(v, "ServiceItem", f"itemIds[{i}]") for i, v in enumerate(input.item_ids)]
        return ctx.window_authority.grant(ctx.principal, centre_id, post_id, codes, input.reason)

    result, errors = catch(action)
    return WindowPostAuthoritySetPayload(
        authority=WindowPostAuthority.from_domain(result) if result else None, user_errors=errors
    )
