"""GraphQL type of a window post's approval authority for immediate items (seed 004 三(三))."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import STAFF, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import window_authority as dw


@visible_to(STAFF)
@strawberry.type(description="The immediate items a window post may decide at the window, with who granted it.")
class WindowPostAuthority:
    window_post_id: strawberry.ID
    post_name: str
    item_codes: list[str]
    granted_by: str
    granted_at: DateTime
    reason: str

    @classmethod
    def from_domain(cls, a: dw.WindowAuthority) -> WindowPostAuthority:
        return cls(
            window_post_id=global_id("WindowPost", f"{a.centre_id}/{a.post_id}"),
            post_name=a.post_name,
            item_codes=list(a.item_codes),
            granted_by=a.granted_by,
            granted_at=a.granted_at,
            reason=a.reason,
        )


def decode_post(value: strawberry.ID, field: str = "windowPostId") -> tuple[str, str]:
    """`WindowPost` global ID -> (centre id, post id); INVALID_ID when malformed."""
    from chalicelib.api.errors import INVALID_ID, ApiError
    from chalicelib.api.relay import decode_id

    centre_id, _, post_id = decode_id(value, "WindowPost", field).partition("/")
    if not centre_id or not post_id:
        raise ApiError(INVALID_ID, "窗口标识无效", field=field)
    return centre_id, post_id
