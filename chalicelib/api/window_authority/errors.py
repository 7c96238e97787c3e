"""Window-authority `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.window_authority import AuthorityCode

WindowAuthorityErrorCode = code_enum(
    "WindowAuthorityErrorCode",
    [v for k, v in vars(AuthorityCode).items() if k.isupper()],
    "Why a window-authority command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class WindowAuthorityError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: WindowAuthorityErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(WindowAuthorityError, WindowAuthorityErrorCode)
