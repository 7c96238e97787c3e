"""What every application mutation shares: the payload shape and the run-and-catch step."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.errors import ApplicationError, catch
from chalicelib.api.applications.types import Application
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.domain import application as da
from chalicelib.services import clock


@visible_to(AUTHENTICATED)
@strawberry.type
class ApplicationPayload:
    application: Application | None
    user_errors: list[ApplicationError]


def run(info: Info, cls: type[ApplicationPayload], action: Callable[[], da.Application]) -> ApplicationPayload:
    """Run a command; violations become userErrors, the case comes back as the caller sees it."""
    case, errors = catch(action)
    today = da.china_date(clock.utc_now())
    return cls(application=Application.from_domain(case, today, info) if case else None, user_errors=errors)
