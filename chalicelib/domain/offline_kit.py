"""Offline verification kit and 用证事由 (issue 13 point 7; DESIGN "National licence references").

What a certificate's signed QR payload states, which certificates the bureau's signed status list
names, and the reason for use (用证事由) a third party states when it looks a licence up online:
at most 200 characters, no control or invisible characters, logged with the verification so the
holder can see who looked their licence up and why. Plain rules; the signing is `signing/`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.domain.certificate import LISTED_STATUSES, Certificate, CertificateStatus, mask_name
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal
from chalicelib.domain.text import INVALID_CHARACTERS, character_problem, visible

MAX_REASON_FOR_USE = 200
#: A verifier re-downloads the list by then; a list past it is stale (the CLI says so).
STATUS_LIST_VALIDITY = timedelta(hours=24)


class ReasonForUseCode:
    REASON_FOR_USE_REQUIRED = "REASON_FOR_USE_REQUIRED"
    REASON_FOR_USE_TOO_LONG = "REASON_FOR_USE_TOO_LONG"
    INVALID_CHARACTERS = INVALID_CHARACTERS


def licence_reference(cert: Certificate) -> str:
    """The licence reference the QR payload and the status list carry: the GB/T 36904 identifier,
    or the certificate number for a record issued before identifiers (until the migration)."""
    return cert.identifier or cert.number


def issuing_bureau(cert: Certificate) -> str:
    """The seal registry's code of the certificate's issuing bureau (its issuing department)."""
    return cert.issuer_department_id or cert.authority_code.lower()


def is_listed(status: CertificateStatus) -> bool:
    return status in LISTED_STATUSES


def qr_claims(cert: Certificate) -> dict[str, Any]:
    """The fields of the signed QR payload (holder masked; status as issued)."""
    return {
        "licence": licence_reference(cert),
        "holder": mask_name(cert.holder_name),
        "type_code": cert.type_code,
        "type_name": cert.type_name,
        "issued_on": cert.issued_on.isoformat(),
        "valid_until": cert.valid_until.isoformat() if cert.valid_until else None,
        "authority": issuing_bureau(cert),
        "status": cert.status.value,
    }


def check_reason_for_use(value: str | None, *, required: bool, field: str = "reasonForUse") -> str:
    """The stated reason, trimmed; every problem with it at once (Chinese messages)."""
    text = (value or "").strip()
    problems: list[Violation] = []
    if required and not visible(text):
        problems.append(Violation(ReasonForUseCode.REASON_FOR_USE_REQUIRED, "查验证照须填写用证事由", field))
    if len(text) > MAX_REASON_FOR_USE:
        problems.append(
            Violation(ReasonForUseCode.REASON_FOR_USE_TOO_LONG, f"用证事由不能超过{MAX_REASON_FOR_USE}个字符", field)
        )
    problem = character_problem(text, "用证事由")
    if problem is not None:
        problems.append(Violation(ReasonForUseCode.INVALID_CHARACTERS, problem, field))
    if problems:
        raise DomainError(problems)
    return text


def mask_caller(caller: str) -> str:
    """Who looked, as the holder sees it: enough to tell callers apart, not to identify a person
    (an IP address keeps its first two parts, an account its first and last characters)."""
    if not caller or caller in {"anonymous", "unknown"}:
        return "匿名"
    if caller.count(".") == 3 and all(p.isdigit() for p in caller.split(".")):
        a, b, _, _ = caller.split(".")
        return f"{a}.{b}.*.*"
    if ":" in caller and all(c in "0123456789abcdefABCDEF:" for c in caller):  # IPv6
        return ":".join(caller.split(":")[:2]) + ":*"
    if len(caller) <= 2:
        return caller[0] + "*"
    return caller[0] + "*" * min(len(caller) - 2, 6) + caller[-1]


@dataclass(frozen=True)
class ListedEntry:
    """One line of a bureau's status list: a licence reference and its non-valid status."""

    licence: str
    status: str
    since: str


def listed_entry(cert: Certificate) -> ListedEntry:
    return ListedEntry(licence_reference(cert), cert.status.value, cert.status_changed_at or cert.issued_at)


def needs_reason_for_use(principal: Principal, holder_account: str | None) -> bool:
    """Third parties state a reason; the holder and staff (who act in their own remit) need not."""
    if principal.is_staff:
        return False
    return principal.subject is None or principal.subject != holder_account
