"""applicationOversightFlag: a supervisor puts a major project under its lead department head's
personal oversight (一把手督办, seed 004 三(一))."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.oversight.errors import HeadOversightError, catch
from chalicelib.api.oversight.types import CaseOversight, ProjectKind
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import oversight as do


@strawberry.input
class ApplicationOversightFlagInput:
    application_id: strawberry.ID
    project: ProjectKind  # type: ignore[valid-type]
    reason: str


@visible_to(AUTHENTICATED)
@strawberry.type
class ApplicationOversightFlagPayload:
    oversight: CaseOversight | None
    user_errors: list[HeadOversightError]


def application_oversight_flag(info: Info, input: ApplicationOversightFlagInput) -> ApplicationOversightFlagPayload:
    ctx = info.context

    def action() -> do.Oversight:
        case_id = decode_id(input.application_id, "Application", "applicationId")
        return ctx.oversight.flag(ctx.principal, case_id, do.ProjectKind(input.project), input.reason)

    found, errors = catch(action)
    return ApplicationOversightFlagPayload(
        oversight=CaseOversight.from_domain(found) if found else None, user_errors=errors
    )
