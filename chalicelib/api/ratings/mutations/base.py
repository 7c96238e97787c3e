"""What every rating mutation shares: the payload shape and the run-and-catch step."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.ratings.errors import RatingError, catch
from chalicelib.api.ratings.types import Rating
from chalicelib.domain import rating as dr


@visible_to(AUTHENTICATED)
@strawberry.type
class RatingPayload:
    rating: Rating | None
    user_errors: list[RatingError]


def run(cls: type[RatingPayload], action: Callable[[], dr.Rating]) -> RatingPayload:
    """Run a command; violations become userErrors."""
    rating, errors = catch(action)
    return cls(rating=Rating.from_domain(rating) if rating else None, user_errors=errors)
