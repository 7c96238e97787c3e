"""agentAuthorisationGrant: an applicant authorises a proxy agent (代办) to act for them."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.errors import ApplicationError, catch
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.scalars import DateTime


@strawberry.input
class AgentAuthorisationGrantInput:
    agent_id: str
    valid_until: date


@visible_to(AUTHENTICATED)
@strawberry.type
class AgentAuthorisation:
    agent_id: str
    valid_until: date
    granted_at: DateTime


@visible_to(AUTHENTICATED)
@strawberry.type
class AgentAuthorisationGrantPayload:
    authorisation: AgentAuthorisation | None
    user_errors: list[ApplicationError]


def agent_authorisation_grant(info: Info, input: AgentAuthorisationGrantInput) -> AgentAuthorisationGrantPayload:
    ctx = info.context
    grant, errors = catch(lambda: ctx.applications.authorise_agent(ctx.principal, input.agent_id, input.valid_until))
    found = (
        AgentAuthorisation(agent_id=grant.agent_id, valid_until=grant.valid_until, granted_at=grant.granted_at)
        if grant
        else None
    )
    return AgentAuthorisationGrantPayload(authorisation=found, user_errors=errors)
