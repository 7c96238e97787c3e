"""warningAcknowledge: a recipient confirms a yellow warning (an unconfirmed one that runs out
becomes an "ignored warning" violation)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import STAFF, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.supervision.errors import SupervisionError, catch
from chalicelib.api.supervision.types import SupervisionWarning
from chalicelib.domain.errors import DomainError


@strawberry.input
class WarningAcknowledgeInput:
    id: strawberry.ID


@visible_to(STAFF)
@strawberry.type
class WarningAcknowledgePayload:
    warning: SupervisionWarning | None
    user_errors: list[SupervisionError]


def warning_acknowledge(info: Info, input: WarningAcknowledgeInput) -> WarningAcknowledgePayload:
    ctx = info.context

    def action() -> SupervisionWarning:
        subject_id, _, key = decode_id(input.id, "SupervisionWarning").partition("|")
        if not key:
            raise DomainError.one("NOT_FOUND", "预警不存在", "id")
        return SupervisionWarning.from_domain(ctx.supervision.acknowledge(ctx.principal, subject_id, key))

    warning, errors = catch(action)
    return WarningAcknowledgePayload(warning=warning, user_errors=errors)
