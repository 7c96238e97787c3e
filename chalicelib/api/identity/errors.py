"""Identity `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.identity_binding import BindingCodeError

IdentityErrorCode = code_enum(
    "IdentityErrorCode",
    [v for k, v in vars(BindingCodeError).items() if k.isupper()] + ["FORBIDDEN"],
    "Why an identity command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class IdentityError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: IdentityErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(IdentityError, IdentityErrorCode)
