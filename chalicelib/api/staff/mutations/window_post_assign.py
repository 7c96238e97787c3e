"""windowPostAssign: post an A person and a B backup to a window (seed 004 三(二))."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.relay import decode_id
from chalicelib.api.staff.errors import catch
from chalicelib.api.staff.mutations.base import WindowPostPayload
from chalicelib.api.staff.queries import post_ref
from chalicelib.api.staff.types import WindowPostCover
from chalicelib.domain import staff as ds


@strawberry.input
class WindowPostAssignInput:
    post_id: strawberry.ID
    staff_id: strawberry.ID = strawberry.field(description="A岗.")
    backup_staff_id: strawberry.ID = strawberry.field(description="B岗 (候补队员).")
    reason: str


@strawberry.type
class WindowPostAssignPayload(WindowPostPayload):
    pass


def window_post_assign(info: Info, input: WindowPostAssignInput) -> WindowPostAssignPayload:
    ctx = info.context

    def action() -> ds.WindowPost:
        return ctx.staff.post_assign(
            ctx.principal,
            post_ref(input.post_id, "postId"),
            decode_id(input.staff_id, "Staff", "staffId"),
            decode_id(input.backup_staff_id, "Staff", "backupStaffId"),
            input.reason,
        )

    post, errors = catch(action)
    cover = WindowPostCover.from_domain(post, ctx.staff.today()) if post else None
    return WindowPostAssignPayload(window_post=cover, user_errors=errors)
