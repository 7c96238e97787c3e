"""What staff mutations share: payload shapes and the run-and-catch step."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.api.staff.errors import StaffError
from chalicelib.api.staff.types import StaffMember, WindowPostCover


@visible_to(PUBLIC)
@strawberry.type
class StaffPayload:
    staff_member: StaffMember | None
    user_errors: list[StaffError]


@visible_to(PUBLIC)
@strawberry.type
class WindowPostPayload:
    window_post: WindowPostCover | None
    user_errors: list[StaffError]
