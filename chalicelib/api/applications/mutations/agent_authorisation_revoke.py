"""agentAuthorisationRevoke: an applicant withdraws a proxy agent's authorisation (代办)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.errors import catch
from chalicelib.api.applications.mutations.agent_authorisation_grant import (
    AgentAuthorisation,
    AgentAuthorisationGrantPayload,
)


@strawberry.input
class AgentAuthorisationRevokeInput:
    agent_id: str


@strawberry.type
class AgentAuthorisationRevokePayload(AgentAuthorisationGrantPayload):
    """The authorisation as it was before it was withdrawn."""


def agent_authorisation_revoke(info: Info, input: AgentAuthorisationRevokeInput) -> AgentAuthorisationRevokePayload:
    ctx = info.context
    grant, errors = catch(lambda: ctx.applications.revoke_agent(ctx.principal, input.agent_id))
    found = (
        AgentAuthorisation(agent_id=grant.agent_id, valid_until=grant.valid_until, granted_at=grant.granted_at)
        if grant
        else None
    )
    return AgentAuthorisationRevokePayload(authorisation=found, user_errors=errors)
