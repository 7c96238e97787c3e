"""staffCreate: an administrator records a staff member (published as a staff change)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.staff.errors import catch
from chalicelib.api.staff.mutations.base import StaffPayload
from chalicelib.api.staff.mutations.staff_fields import StaffRecordInput, draft
from chalicelib.api.staff.types import StaffMember
from chalicelib.domain import staff as ds
from chalicelib.domain.errors import DomainError


@strawberry.input
class StaffCreateInput:
    account: str = strawberry.field(description="The person's token subject (login account).")
    record: StaffRecordInput
    reason: str


@strawberry.type
class StaffCreatePayload(StaffPayload):
    pass


def staff_create(info: Info, input: StaffCreateInput) -> StaffCreatePayload:
    ctx = info.context

    def action() -> ds.Staff:
        if not ds.ACCOUNT.match(input.account):
            raise DomainError.one(ds.StaffCode.OUT_OF_RANGE, "账号须为3-64位小写字母、数字或连字符", "account")
        return ctx.staff.create(ctx.principal, draft(input.account, input.record), input.reason)

    staff, errors = catch(action)
    return StaffCreatePayload(staff_member=StaffMember.from_domain(staff) if staff else None, user_errors=errors)
