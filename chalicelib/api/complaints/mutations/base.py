"""What every complaint mutation shares: the payload shape and the run-and-catch step."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from chalicelib.api.complaints.errors import ComplaintError, catch
from chalicelib.api.complaints.types import Complaint
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.domain import complaint as dc


@visible_to(AUTHENTICATED)
@strawberry.type
class ComplaintPayload:
    complaint: Complaint | None
    user_errors: list[ComplaintError]


def run(cls: type[ComplaintPayload], action: Callable[[], dc.Complaint]) -> ComplaintPayload:
    complaint, errors = catch(action)
    return cls(complaint=Complaint.from_domain(complaint) if complaint else None, user_errors=errors)
