"""identityBindingCodeCreate: the account holder's code for linking their account at a window."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.identity.errors import IdentityError, catch
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.domain import identity_binding as dib


@strawberry.input
class IdentityBindingCodeCreateInput:
    valid_minutes: int = strawberry.field(
        default=dib.MAX_MINUTES, description=f"How long the code lives: 1 to {dib.MAX_MINUTES} minutes."
    )


@visible_to(AUTHENTICATED)
@strawberry.type(description="Shown once: tell the clerk the code; it links this account to the identity they check.")
class IdentityBindingCode:
    code: str
    expires_at: DateTime


@visible_to(AUTHENTICATED)
@strawberry.type
class IdentityBindingCodeCreatePayload:
    binding_code: IdentityBindingCode | None
    user_errors: list[IdentityError]


def identity_binding_code_create(info: Info, input: IdentityBindingCodeCreateInput) -> IdentityBindingCodeCreatePayload:
    ctx = info.context
    created, errors = catch(lambda: ctx.identity_binding.create(ctx.principal, input.valid_minutes))
    if created is None:
        return IdentityBindingCodeCreatePayload(binding_code=None, user_errors=errors)
    code, record = created
    shown = IdentityBindingCode(code=code, expires_at=record.expires_at)
    return IdentityBindingCodeCreatePayload(binding_code=shown, user_errors=[])
