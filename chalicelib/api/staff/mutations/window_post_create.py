"""windowPostCreate: an administrator opens a window post (nobody posted yet)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import PostKind
from chalicelib.api.relay import decode_id
from chalicelib.api.staff.errors import catch
from chalicelib.api.staff.mutations.base import WindowPostPayload
from chalicelib.api.staff.types import WindowPostCover
from chalicelib.domain import staff as ds


@strawberry.input
class WindowPostCreateInput:
    centre_id: strawberry.ID
    code: str = strawberry.field(description="The post's number at the centre, e.g. zs-city-w21.")
    name: str
    kind: PostKind  # type: ignore[valid-type]
    department_id: strawberry.ID | None = strawberry.field(default=None, description="Department windows only.")
    duties: str = ""


@strawberry.type
class WindowPostCreatePayload(WindowPostPayload):
    pass


def window_post_create(info: Info, input: WindowPostCreateInput) -> WindowPostCreatePayload:
    ctx = info.context

    def action() -> ds.WindowPost:
        centre_id = decode_id(input.centre_id, "Centre", "centreId")
        department_id = decode_id(input.department_id, "Department", "departmentId") if input.department_id else None
        return ctx.staff.post_create(
            ctx.principal, centre_id, input.code, input.name, ds.PostKind(input.kind), department_id, input.duties
        )

    post, errors = catch(action)
    cover = WindowPostCover.from_domain(post, ctx.staff.today()) if post else None
    return WindowPostCreatePayload(window_post=cover, user_errors=errors)
