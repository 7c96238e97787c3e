"""Binding codes (绑定码): the account holder's consent to a window verification.

A window clerk checks the identity document in person (seed 001 三(二)3 身份认证库). Linking the
applicant's online account to that identity also needs proof that the account's holder is the
person at the window; otherwise a clerk could bind anyone's account to anyone's identity, and
whoever holds the account would then file online as that person. The holder creates a short code
in their app and tells the clerk. The code is single-use, lapses after at most ten minutes and
dies after five wrong tries. Without a code the case is still filed under the identity the clerk
checked, but the account stays unlinked (its holder verifies online or brings a code next time).
Only a digest of the code is stored.
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


class BindingCodeError:
    BINDING_CODE_INVALID = "BINDING_CODE_INVALID"
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
