"""Binding codes (绑定码): the account holder's consent to a window verification.

A window clerk checks the identity document in person (seed 001 三(二)3 身份认证库). Linking the
applicant's online account to that identity also needs proof that the account's holder is the
person at the window; otherwise a clerk could bind anyone's account to anyone's identity, and
whoever holds the account would then file online as that person. The holder creates a short code
in their app and tells the clerk. The code is single-use, lapses after at most ten minutes and
dies after five wrong tries. Without a code the case is still filed under the identity the clerk
checked, but the account stays unlinked (its holder verifies online or brings a code next time).
Only a digest of the code is stored.

A window filing names an applicant account only when the account is already linked to the identity
the clerk checked, or with the account's binding code: otherwise the case would reach whoever holds
the account (a namesake's, say). Without either, the clerk files the case to the identity alone
(no account) or is refused with `ACCOUNT_NOT_LINKED`; an unknown account, a staff member's and an
unlinked applicant's all get that same answer, so the window cannot probe which accounts exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.domain.errors import DomainError

DIGITS = 8
MAX_MINUTES = 10
MAX_ATTEMPTS = 5
MAX_ACCOUNT_LENGTH = 128  # an identity provider's subject (a UUID) fits many times over


class BindingCodeError:
    BINDING_CODE_INVALID = "BINDING_CODE_INVALID"
    ACCOUNT_NOT_LINKED = "ACCOUNT_NOT_LINKED"
    AGENT_ACCOUNT_INVALID = "AGENT_ACCOUNT_INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"


@dataclass(frozen=True)
class BindingCode:
    account: str
    digest: str
    expires_at: str  # ISO 8601 with offset
    used: bool = False
    attempts: int = 0

    def live(self, now: datetime) -> bool:
        return not self.used and self.attempts < MAX_ATTEMPTS and now < datetime.fromisoformat(self.expires_at)


def _digest(account: str, code: str) -> str:
    return hashlib.sha256(f"{account}\x00{code}".encode()).hexdigest()


def issue(account: str, now: datetime, minutes: int = MAX_MINUTES) -> tuple[str, BindingCode]:
    """A fresh code (shown once to its holder) and the record kept of it; a new one replaces the old."""
    if not 1 <= minutes <= MAX_MINUTES:
        raise DomainError.one(
            BindingCodeError.OUT_OF_RANGE, f"绑定码有效期须在1至{MAX_MINUTES}分钟之间", "validMinutes"
        )
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    expires = (now + timedelta(minutes=minutes)).isoformat(timespec="seconds")
    return code, BindingCode(account, _digest(account, code), expires)


def matches(record: BindingCode | None, account: str, given: str, now: datetime) -> bool:
    """Whether `given` is the live code of the account (constant-time comparison)."""
    if record is None or record.account != account or not record.live(now):
        return False
    return hmac.compare_digest(record.digest, _digest(account, given.strip()))


def redeemed(record: BindingCode) -> BindingCode:
    return replace(record, used=True)


def missed(record: BindingCode) -> BindingCode:
    """One more wrong try: the fifth kills the code."""
    return replace(record, attempts=record.attempts + 1)


def invalid() -> DomainError:
    return DomainError.one(
        BindingCodeError.BINDING_CODE_INVALID,
        "绑定码不正确、已使用或已过期,请申请人在手机上重新获取绑定码",
        "applicant.bindingCode",
    )


def plausible_account(account: str) -> bool:
    """An account id worth looking up: short and printable (anything else is no account of ours)."""
    return 0 < len(account) <= MAX_ACCOUNT_LENGTH and account.isprintable()


def not_linked() -> DomainError:
    """The same answer for an unknown account, a staff member's and an applicant's not linked to the
    identity checked: the window cannot tell them apart."""
    return DomainError.one(
        BindingCodeError.ACCOUNT_NOT_LINKED,
        "该账号未与申请人核验的身份绑定:请申请人在手机上获取绑定码后一并填写,或不填写账号、按证件受理",
        "applicant.accountId",
    )


def agent_eligible(agent: str, applicant: str, verified: bool, staff: bool) -> bool:
    """Whether `agent` may be authorised as the applicant's proxy (代办): an applicant-side account
    of someone else that the identity registry knows as verified (an agent acts and pledges in the
    applicant's name, so an unverified account could not file anyway); a staff member's id is no
    applicant account, whatever records it has."""
    return plausible_account(agent) and agent != applicant and verified and not staff


def agent_refused() -> DomainError:
    """The same answer for a malformed, unknown, unverified, staff or own id: an applicant cannot
    use the grant to probe which accounts exist or who works at the centre."""
    return DomainError.one(
        BindingCodeError.AGENT_ACCOUNT_INVALID,
        "代办员账号无效:须为他人已通过实名认证的申请人账号,请核对代办员提供的账号",
        "agentId",
    )
