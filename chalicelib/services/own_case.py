"""Loading a case for something only its own applicant (or filing agent) may do: rate, complain.

Visibility and the agent's current authorisation are checked by `ApplicationService.load`; on
top, staff who may see the case are refused too. Unknown, hidden and not-yours look the same.
"""

from __future__ import annotations

from chalicelib.domain.application import Application
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal
from chalicelib.domain.rating import is_party
from chalicelib.services.applications import ApplicationService

NOT_FOUND = "NOT_FOUND"


def load_own_case(
    applications: ApplicationService, principal: Principal, application_id: str, field: str = "applicationId"
) -> tuple[Application, int]:
    try:
        case, rev = applications.load(application_id, principal)
    except DomainError:
        raise DomainError.one(NOT_FOUND, "办件不存在", field) from None
    if not is_party(case, principal):
        raise DomainError.one(NOT_FOUND, "办件不存在", field)
    return case, rev
