"""Binding codes: an applicant's consent to having their account linked at a window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import identity_binding as dib
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.services import clock
from chalicelib.storage.identity_repository import IdentityRepository
from chalicelib.storage.unit_of_work import UnitOfWork


class IdentityBindingService:
    def __init__(self, repo: IdentityRepository | None = None, now: Callable[[], datetime] | None = None) -> None:
        self.repo = repo or IdentityRepository()
        self.now = now or clock.utc_now

    def create(self, principal: Principal, minutes: int = dib.MAX_MINUTES) -> tuple[str, dib.BindingCode]:
        """A fresh code for the caller's own account (shown once); it replaces any earlier one."""
        if not principal.has_any(Role.APPLICANT) or principal.subject is None:
            raise DomainError.one("FORBIDDEN", "只有申请人本人可以获取账号绑定码")
        code, record = dib.issue(principal.subject, self.now(), minutes)
        uow = UnitOfWork()
        self.repo.stage_binding(uow, record, None)
        uow.commit()
        return code, record
