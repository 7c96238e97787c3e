"""Verified identities (seed 001 三(二)3 办事群众身份认证库): natural persons by their resident
identity number (GB 11643), organisations by their unified social credit code (GB 32100).

An account is linked to an identity only by a verification: the unified real-name authentication
of the portal (seed 001 三(二)1 唯一身份认证) puts the verified identifier in the token
(`custom:identifier`), or a window clerk checks the identity document in person when filing for
the applicant. An applicant filing for themself files under the identity of their token, never
another; an agent files under the identity the applicant's account was verified with. Cases,
certificates and credit records carry the identifier, so a credit record follows the person or
organisation across accounts (一处违法、处处受限, seed 002 四(十一)).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.errors import DomainError
from chalicelib.domain.identifiers import validate_credit_code, validate_resident_id


class IdentityKind(StrEnum):
    PERSON = "person"  # 自然人: resident identity number (GB/T 36903 holder code type 111)
    ORGANISATION = "organisation"  # 法人和其他组织: unified social credit code (type 001)


class IdentityCode(StrEnum):
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    INVALID_CREDIT_CODE = "INVALID_CREDIT_CODE"
    IDENTITY_UNVERIFIED = "IDENTITY_UNVERIFIED"
    IDENTITY_MISMATCH = "IDENTITY_MISMATCH"
    NAME_MISMATCH = "NAME_MISMATCH"


class Verification(StrEnum):
    REAL_NAME = "real_name"  # the portal's real-name authentication (token claim)
    WINDOW = "window"  # a clerk checked the document at the window


@dataclass(frozen=True)
class VerifiedIdentity:
    identifier: str
    kind: IdentityKind
    name: str
    verified_by: str  # the account (real-name) or the clerk (window) who verified it
    method: Verification
    verified_at: str


_PERSON_SHAPE = re.compile(r"\d{17}[\dX]")


def classify(value: str, field: str = "applicant.identifier") -> tuple[str, IdentityKind]:
    """The normalised identifier and its kind, or a specific error: a number shaped like a resident
    ID (17 digits and a digit or X) is checked as one, anything else as a credit code."""
    identifier = value.strip().upper()
    if _PERSON_SHAPE.fullmatch(identifier):
        problem = validate_resident_id(identifier)
        if problem is None:
            return identifier, IdentityKind.PERSON
        if validate_credit_code(identifier) is None:  # an all-digit credit code
            return identifier, IdentityKind.ORGANISATION
        raise DomainError.one(IdentityCode.INVALID_ID_NUMBER.value, problem, field)
    problem = validate_credit_code(identifier)
    if problem is None:
        return identifier, IdentityKind.ORGANISATION
    raise DomainError.one(IdentityCode.INVALID_CREDIT_CODE.value, problem, field)


def filing_identity(declared: str, verified: str | None, field: str = "applicant.identifier") -> str:
    """The identifier a case is filed under, given the one the account was verified with (if any):
    a declared identifier must be valid and, when the account has a verified one, equal to it."""
    identifier, _kind = classify(declared, field) if declared.strip() else (None, None)
    if verified is None:
        raise DomainError.one(
            IdentityCode.IDENTITY_UNVERIFIED.value, "申请人账号尚未通过实名认证,请先完成实名认证或到窗口办理", field
        )
    if identifier is not None and identifier != verified:
        raise DomainError.one(IdentityCode.IDENTITY_MISMATCH.value, "证件号码与申请人实名认证的证件不一致", field)
    return verified


def check_name(declared: str, verified: str | None, field: str = "applicant.name") -> None:
    """The applicant's name must be the one the identity was verified with (the certificate's holder
    name comes from the case): compared after NFKC and without whitespace, so full-width brackets
    or a space inside a name are not a mismatch. Identities verified before names were recorded
    (`verified` empty) are not checked. The verified name is not echoed (no probing)."""
    if verified and _comparable(declared) != _comparable(verified):
        raise DomainError.one(IdentityCode.NAME_MISMATCH.value, "申请人名称与实名认证的名称不一致", field)


def _comparable(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def comparable_name(name: str) -> str:
    """A person's or company's name as names are compared everywhere (NFKC folds full-width forms,
    all whitespace dropped); certificate lookups by holder name use it too (domain/certificate.py)."""
    return _comparable(name)


def agent_identity(token_identifier: str | None, linked: str | None) -> str:
    """The verified identity of an agent (代办员) filing for someone else: from the real-name token,
    else the one the agent's account was verified with. An agent acts and pledges in the applicant's
    name, so an unverified agent may not file (the applicant's own identity is checked apart)."""
    verified = token_identifier or linked
    if verified is None:
        raise DomainError.one(
            IdentityCode.IDENTITY_UNVERIFIED.value, "代办员账号尚未通过实名认证,不能代为申请", "agent"
        )
    return classify(verified, "agent")[0]
