"""Window-authority query: what a post may decide at the window (staff)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import STAFF, field, require_centre_scope
from chalicelib.api.window_authority.types import WindowPostAuthority, decode_post


@strawberry.type
class WindowAuthorityQuery:
    @field(access=STAFF, description="The window post's approval authority for immediate items (null: none granted).")
    def window_post_authority(self, info: Info, window_post_id: strawberry.ID) -> WindowPostAuthority | None:
        centre_id, post_id = decode_post(window_post_id)
        require_centre_scope(info.context.principal, centre_id)
        found = info.context.window_authority.get(centre_id, post_id)
        return WindowPostAuthority.from_domain(found) if found else None
