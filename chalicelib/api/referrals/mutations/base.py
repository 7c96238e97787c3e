"""What the referral mutations share: the case as the caller sees it, and userErrors."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.types import Application
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.referrals.errors import ReferralError, catch
from chalicelib.domain import application as da
from chalicelib.services import clock


@visible_to(AUTHENTICATED)
@strawberry.type
class ReferralPayload:
    application: Application | None
    user_errors: list[ReferralError]


def run(info: Info, cls: type[ReferralPayload], action: Callable[[], da.Application]) -> ReferralPayload:
    case, errors = catch(action)
    today = da.china_date(clock.utc_now())
    return cls(application=Application.from_domain(case, today, info) if case else None, user_errors=errors)
