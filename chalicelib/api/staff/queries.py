"""Staff queries: records, published changes, a post's cover and worklist, supervision cards."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.errors import FORBIDDEN, NOT_FOUND, ApiError
from chalicelib.api.permissions import PUBLIC, STAFF, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.api.staff.types import (
    DepartmentWindowStaffing,
    PostWorkItem,
    StaffChange,
    StaffMember,
    SupervisionCard,
    WindowPostCover,
)
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Role


def post_ref(value: strawberry.ID, field_: str = "id") -> str:
    """A `WindowPost` global ID -> `<centre>/<post>`."""
    ref = decode_id(value, "WindowPost", field_)
    centre_id, _, post_id = ref.partition("/")
    if not centre_id or not post_id:
        raise ApiError("INVALID_ID", "窗口标识无效", field=field_)
    return ref


def _answer(error: DomainError, field_: str) -> ApiError:
    v = error.violations[0]
    code = NOT_FOUND if v.code in {"NOT_FOUND", "POST_UNSTAFFED"} else FORBIDDEN
    return ApiError(code, v.message, field=v.field or field_)


@strawberry.type
class StaffQuery:
    @field(access=STAFF, description="A staff record: administrators, supervisors, and the person themself.")
    def staff_member(self, info: Info, id: strawberry.ID) -> StaffMember:
        principal = info.context.principal
        staff_id = decode_id(id, "Staff")
        if not principal.has_any(Role.ADMIN, Role.SUPERVISOR) and principal.subject != staff_id:
            raise ApiError(NOT_FOUND, "工作人员不存在", field="id")
        found = info.context.staff.get(staff_id)
        if found is None:
            raise ApiError(NOT_FOUND, "工作人员不存在", field="id")
        info.context.departments.want([found.department_id])
        return StaffMember.from_domain(found)

    @field(
        access=PUBLIC,
        description="派驻人员的调整 (seed 001 三(五)1): a centre's published staff changes, newest first.",
    )
    def staff_changes(
        self, info: Info, centre_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[StaffChange]:
        page = info.context.staff.changes(decode_id(centre_id, "Centre", "centreId"), page_size(first), after)
        info.context.departments.want(v.staff.department_id for v, _ in page.items)
        return to_connection(page, StaffChange.from_domain)

    @field(access=STAFF, description="A window post with its AB cover, leaves and today's holder.")
    def window_post(self, info: Info, id: strawberry.ID) -> WindowPostCover:
        from chalicelib.api.permissions import require_centre_scope

        ref = post_ref(id)
        require_centre_scope(info.context.principal, ref.partition("/")[0])
        found = info.context.staff.get_post(ref)
        if found is None:
            raise ApiError(NOT_FOUND, "窗口不存在", field="id")
        return WindowPostCover.from_domain(found, info.context.staff.today())

    @field(
        access=STAFF,
        description="The post's worklist (complaints addressed to the window), for whoever holds the post "
        "today: A, or B while A is on leave; supervisors too.",
    )
    def window_post_worklist(
        self, info: Info, post_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[PostWorkItem]:
        ref = post_ref(post_id, "postId")
        try:
            page = info.context.staff.worklist(info.context.principal, ref, page_size(first), after)
        except DomainError as error:
            raise _answer(error, "postId") from error
        return to_connection(page, PostWorkItem.from_record)

    @field(access=PUBLIC, description="窗口监督卡 (seed 001 三(四)3): public; a post nobody holds has none.")
    def supervision_card(self, info: Info, window_post_id: strawberry.ID) -> SupervisionCard:
        ref = post_ref(window_post_id, "windowPostId")
        try:
            card = info.context.staff.card(ref)
        except DomainError as error:
            raise _answer(error, "windowPostId") from error
        return SupervisionCard.from_record(card)

    @field(
        access=STAFF,
        description="Each department window of a centre: who is posted, its leader and office director, "
        "and whether it is staffed (staff of the centre, supervisors, admins).",
    )
    def window_staffing(self, info: Info, centre_id: strawberry.ID) -> list[DepartmentWindowStaffing]:
        from chalicelib.api.permissions import require_centre_scope

        centre = decode_id(centre_id, "Centre", "centreId")
        require_centre_scope(info.context.principal, centre)
        found = info.context.staff.staffing_of_centre(centre)
        info.context.departments.want(w.department_id for w in found)
        return [DepartmentWindowStaffing.from_domain(w) for w in found]
