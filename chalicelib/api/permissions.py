"""Who may see or do what: one declared rule on every field and mutation.

Every Query/Mutation field carries its own `Rule` (via `field`/`mutation` below). Fields of an
object type carry their own rule or inherit the rule the type declares with `@visible_to`:
whoever may reach the object may read those fields. `tests/e2e/test_permissions.py` walks the
whole schema and fails if any field has neither.

A rule that denies raises an `ApiError` with UNAUTHENTICATED (no token) or FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from chalicelib.api.errors import FORBIDDEN, UNAUTHENTICATED, ApiError
from chalicelib.domain.identity import Principal, Role

T = TypeVar("T")

ACCESS_KEY = "uap_access"


class Rule:
    """A named predicate on the caller; `describe` is printed in the permission audit."""

    describe = "rule"
    needs_login = True

    def allows(self, principal: Principal) -> bool:
        raise NotImplementedError

    def check(self, principal: Principal) -> None:
        if self.allows(principal):
            return
        if not principal.is_authenticated and self.needs_login:
            raise ApiError(UNAUTHENTICATED, "请先登录")
        raise ApiError(FORBIDDEN, "没有权限执行此操作")


class _Public(Rule):
    describe = "public"
    needs_login = False

    def allows(self, principal: Principal) -> bool:
        return True


class _Authenticated(Rule):
    describe = "authenticated"

    def allows(self, principal: Principal) -> bool:
        return principal.is_authenticated


class AnyRole(Rule):
    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)
        self.describe = "roles:" + ",".join(sorted(r.value for r in roles))

    def allows(self, principal: Principal) -> bool:
        return principal.is_authenticated and bool(principal.roles & self.roles)


PUBLIC: Rule = _Public()
AUTHENTICATED: Rule = _Authenticated()
ADMIN: Rule = AnyRole(Role.ADMIN)
STAFF: Rule = AnyRole(Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.BUREAU, Role.SUPERVISOR, Role.ADMIN)


class AccessExtension(FieldExtension):
    """Checks the field's rule before its resolver runs."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self.rule.check(info.context.principal)
        return next_(source, info, **kwargs)


def access_guard(extension: object) -> Callable[[Any], None] | None:
    """What an `AccessExtension` does before the resolver, as a check of the request's context
    (`_strawberry_seam.fast_resolvers` calls it in place of strawberry's extension chain); None for
    any other extension (including a subclass, which may do more), which keeps strawberry's path."""
    if type(extension) is not AccessExtension:
        return None
    check = extension.rule.check

    def guard(context: Any) -> None:
        check(context.principal)

    return guard


def field(resolver: Any = None, *, access: Rule, **kwargs: Any) -> Any:
    """`strawberry.field` with a declared rule (public fields skip the per-call check)."""
    extensions: list[FieldExtension] = [] if access is PUBLIC else [AccessExtension(access)]
    metadata = {ACCESS_KEY: access}
    if resolver is None:
        return strawberry.field(extensions=extensions, metadata=metadata, **kwargs)
    return strawberry.field(resolver, extensions=extensions, metadata=metadata, **kwargs)


def mutation(resolver: Any = None, *, access: Rule, **kwargs: Any) -> Any:
    extensions: list[FieldExtension] = [] if access is PUBLIC else [AccessExtension(access)]
    metadata = {ACCESS_KEY: access}
    if resolver is None:
        return strawberry.mutation(extensions=extensions, metadata=metadata, **kwargs)
    return strawberry.mutation(resolver, extensions=extensions, metadata=metadata, **kwargs)


def visible_to(rule: Rule) -> Callable[[type[T]], type[T]]:
    """Declare the rule a type's plain fields inherit (apply above `@strawberry.type`)."""

    def decorate(cls: type[T]) -> type[T]:
        setattr(cls, "__uap_access__", rule)  # noqa: B010
        return cls

    return decorate


OVERSIGHT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def require_centre_scope(principal: Principal, centre_id: str) -> None:
    """Staff act within their own centre; supervisors and administrators oversee all centres."""
    if principal.roles & OVERSIGHT_ROLES or principal.centre_id == centre_id:
        return
    raise ApiError(FORBIDDEN, "只能查看本中心的信息")


def principal_of(info: Info) -> Principal:
    principal: Principal = info.context.principal
    return principal
