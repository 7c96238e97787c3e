"""What every oversight mutation shares: the payload shape and the run-and-catch step."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from chalicelib.api.counterpart.errors import OversightError, catch
from chalicelib.api.counterpart.types import OversightInspection
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.domain import counterpart as dcp


@visible_to(AUTHENTICATED)
@strawberry.type
class OversightPayload:
    inspection: OversightInspection | None
    user_errors: list[OversightError]


def run(cls: type[OversightPayload], action: Callable[[], dcp.OversightInspection]) -> OversightPayload:
    found, errors = catch(action)
    return cls(inspection=OversightInspection.from_domain(found) if found else None, user_errors=errors)
