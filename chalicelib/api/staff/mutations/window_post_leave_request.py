"""windowPostLeaveRequest: the A person asks for leave; granted only while B is on duty."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.staff.errors import catch
from chalicelib.api.staff.mutations.base import WindowPostPayload
from chalicelib.api.staff.queries import post_ref
from chalicelib.api.staff.types import WindowPostCover
from chalicelib.domain import staff as ds


@strawberry.input
class WindowPostLeaveRequestInput:
    post_id: strawberry.ID
    start: date
    end: date = strawberry.field(description="Last day of leave; the post returns to A the day after.")
    reason: str


@strawberry.type
class WindowPostLeaveRequestPayload(WindowPostPayload):
    pass


def window_post_leave_request(info: Info, input: WindowPostLeaveRequestInput) -> WindowPostLeaveRequestPayload:
    ctx = info.context

    def action() -> ds.WindowPost:
        return ctx.staff.leave_request(
            ctx.principal, post_ref(input.post_id, "postId"), input.start, input.end, input.reason
        )

    post, errors = catch(action)
    cover = WindowPostCover.from_domain(post, ctx.staff.today()) if post else None
    return WindowPostLeaveRequestPayload(window_post=cover, user_errors=errors)
