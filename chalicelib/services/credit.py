"""Verified identities and credit (seed 001 三(二)3; seed 002 四(八)、四(十一)).

`is_barred(identifier)` is the one question every fast track asks (deficiency acceptance here;
approval on pledge elsewhere): does the person or organisation have a credit record in force,
under whichever account it arose? Staff read the 失信名单 of their centre.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from chalicelib.domain import credit as dcr
from chalicelib.domain.application import Application, china_date
from chalicelib.domain.credit import CreditRecord
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.services import clock
from chalicelib.storage.identity_repository import IdentityRepository
from chalicelib.storage.pagination import Page

OVERSIGHT = (Role.SUPERVISOR, Role.ADMIN)


def is_barred(identifier: str, today: date | None = None) -> bool:
    """Whether a credit record of this identity is in force (一处违法、处处受限): the fast tracks
    that rest on the applicant's word are closed to it everywhere, from any account."""
    day = today or china_date(clock.utc_now())
    return dcr.barred(IdentityRepository().credit_records(identifier), day)


def check_agent(case: Application, today: date | None = None) -> None:
    """An agent who filed signs the credit pledge (信用承诺书, 告知承诺) in the applicant's name: an agent
    whose own verified identity has a record in force may not (一处违法、处处受限, seed 002 四(十一))."""
    if case.agent_identifier and is_barred(case.agent_identifier, today):
        raise DomainError.one(
            "CREDIT_DEFAULT", "代办员存在未消除的失信记录,不能代为作出信用承诺,请申请人本人办理", "agent"
        )


class CreditService:
    def __init__(self, identities: IdentityRepository | None = None, now: Callable[[], datetime] | None = None) -> None:
        self.identities = identities or IdentityRepository()
        self.now = now or (lambda: clock.utc_now())

    def is_barred(self, identifier: str) -> bool:
        return dcr.barred(self.identities.credit_records(identifier), china_date(self.now()))

    def records_in_force(self, identifier: str) -> list[CreditRecord]:
        today = china_date(self.now())
        return [r for r in self.identities.credit_records(identifier) if r.in_force(today)]

    def blacklist(
        self, principal: Principal, centre_id: str | None, first: int, after: str | None
    ) -> Page[CreditRecord]:
        """失信名单: serious records in force of the caller's centre (oversight roles: any centre)."""
        centre = centre_id or principal.centre_id
        if not centre:
            raise DomainError.one("BAD_REQUEST", "请指定服务中心", "centreId")
        if centre != principal.centre_id and not principal.has_any(*OVERSIGHT):
            raise DomainError.one("FORBIDDEN", "只能查看本中心的失信名单", "centreId")
        return self.identities.blacklist(centre, china_date(self.now()), first, after)
