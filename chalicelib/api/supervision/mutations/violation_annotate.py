"""violationAnnotate: a supervisor adds a note to a violation ledger entry (who, when, what)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import STAFF, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.supervision.errors import SupervisionError, catch
from chalicelib.api.supervision.types import Violation
from chalicelib.domain.errors import DomainError


@strawberry.input
class ViolationAnnotateInput:
    id: strawberry.ID
    note: str


@visible_to(STAFF)
@strawberry.type
class ViolationAnnotatePayload:
    violation: Violation | None
    user_errors: list[SupervisionError]


def violation_annotate(info: Info, input: ViolationAnnotateInput) -> ViolationAnnotatePayload:
    ctx = info.context

    def action() -> Violation:
        department_id, _, sk = decode_id(input.id, "Violation").partition("|")
        if not sk:
            raise DomainError.one("NOT_FOUND", "违规记录不存在", "id")
        return Violation.from_domain(ctx.supervision.annotate(ctx.principal, department_id, sk, input.note))

    violation, errors = catch(action)
    return ViolationAnnotatePayload(violation=violation, user_errors=errors)
