"""dutyBulletinsIssue: 通报 every unit whose heads missed window duty in a past month (seed 004 三(一))."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.conduct.types import Bulletin
from chalicelib.api.duty.errors import DutyError, catch
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.domain import bulletin as db


@strawberry.input
class DutyBulletinsIssueInput:
    month: str = strawberry.field(description="YYYY-MM, a month that has ended.")


@visible_to(AUTHENTICATED)
@strawberry.type
class DutyBulletinsIssuePayload:
    bulletins: list[Bulletin]
    user_errors: list[DutyError]


def duty_bulletins_issue(info: Info, input: DutyBulletinsIssueInput) -> DutyBulletinsIssuePayload:
    ctx = info.context

    def action() -> list[db.Bulletin]:
        return ctx.duty.bulletins_issue(ctx.principal, input.month)

    found, errors = catch(action)
    ctx.departments.want(b.department_id for b in found or [])
    return DutyBulletinsIssuePayload(bulletins=[Bulletin.from_domain(b) for b in found or []], user_errors=errors)
