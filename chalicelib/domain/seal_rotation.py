"""Rotating a bureau's registered e-seal (印章登记: a new seal certificate with its validity).

Seed 003 二(七): the city government announces the legal effect of *each* bureau's e-seal, so the
registry says which seal certificate is the bureau's, from when to when, under which notice. The
document and its structural rules (format, one owner per seal, `valid_to` after `valid_from`, a
legal basis of at most 500 characters) are `signing/registry.py`'s, which the service applies to
the new version before publishing it. What only a rotation must check is here, in plain values:

- the certificate names the bureau (its subject's organisation is the registered bureau name);
- the certificate itself is valid for the whole registered span (a seal key used outside its
  certificate's validity makes every document it seals fail);
- the span starts after every earlier seal of the bureau started (a rotation moves forward:
  the current seal is closed at the new start; an earlier seal that would still run past the
  new start and is not the current one makes the validity overlap);
- the span does not start in the past (documents already sealed keep their seal);
- the seal is not registered already (to this bureau or another one).

Who may register: the administrators of the bureau's centre or of a centre above it (a city
administrator for its whole subtree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.errors import Violation

MAX_NOTE = 200
MAX_LEGAL_BASIS = 500  # as signing/registry.py


class SealRotationCode:
    """Error codes of `sealRotationRegister` (the API's SealRegistryErrorCode)."""

    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CERTIFICATE_INVALID = "CERTIFICATE_INVALID"
    CERTIFICATE_NOT_FOR_BUREAU = "CERTIFICATE_NOT_FOR_BUREAU"
    CERTIFICATE_NOT_TRUSTED = "CERTIFICATE_NOT_TRUSTED"
    KEY_OUTSIDE_VALIDITY = "KEY_OUTSIDE_VALIDITY"
    OVERLAPPING_VALIDITY = "OVERLAPPING_VALIDITY"
    STARTS_IN_THE_PAST = "STARTS_IN_THE_PAST"
    INVALID_PERIOD = "INVALID_PERIOD"
    ALREADY_REGISTERED = "ALREADY_REGISTERED"
    LEGAL_BASIS_REQUIRED = "LEGAL_BASIS_REQUIRED"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    STALE_VERSION = "STALE_VERSION"
    REGISTRY_UNAVAILABLE = "REGISTRY_UNAVAILABLE"
    REGISTRY_INVALID = "REGISTRY_INVALID"


@dataclass(frozen=True)
class SealSpan:
    """A registered seal of the bureau, as the rules need it."""

    fingerprint: str
    valid_from: datetime
    valid_to: datetime | None


@dataclass(frozen=True)
class Candidate:
    """The seal certificate offered for registration, as the rules need it."""

    fingerprint: str
    subject_organisations: tuple[str, ...]
    not_before: datetime
    not_after: datetime


def check_rotation(
    *,
    bureau_name: str,
    candidate: Candidate,
    valid_from: datetime,
    valid_to: datetime | None,
    now: datetime,
    seals: tuple[SealSpan, ...],
    current: str | None,
    registered_anywhere: bool,
    legal_basis: str,
    note: str,
) -> list[Violation]:
    """Every problem with the rotation, at once (field names are the mutation input's)."""
    out: list[Violation] = []
    if bureau_name not in candidate.subject_organisations:
        out.append(
            Violation(
                SealRotationCode.CERTIFICATE_NOT_FOR_BUREAU,
                f"印章证书的单位名称({'、'.join(candidate.subject_organisations) or '无'})不是{bureau_name}",
                "certificatePem",
            )
        )
    if registered_anywhere:
        out.append(Violation(SealRotationCode.ALREADY_REGISTERED, "该印章证书已经登记,不能重复登记", "certificatePem"))
    if valid_to is not None and valid_to <= valid_from:
        out.append(Violation(SealRotationCode.INVALID_PERIOD, "启用截止时间必须晚于启用时间", "validTo"))
    if valid_from < now:
        out.append(Violation(SealRotationCode.STARTS_IN_THE_PAST, "新印章的启用时间不能早于当前时间", "validFrom"))
    end = valid_to if valid_to is not None else None
    if valid_from < candidate.not_before or end is None or end > candidate.not_after:
        out.append(
            Violation(
                SealRotationCode.KEY_OUTSIDE_VALIDITY,
                f"登记的启用期间必须在印章证书有效期内({candidate.not_before.isoformat()} 至 "
                f"{candidate.not_after.isoformat()}),且须写明截止时间",
                "validTo" if valid_from >= candidate.not_before else "validFrom",
            )
        )
    for seal in seals:
        starts_later = seal.valid_from >= valid_from
        runs_past = seal.fingerprint != current and (seal.valid_to is None or seal.valid_to > valid_from)
        if starts_later or runs_past:
            out.append(
                Violation(
                    SealRotationCode.OVERLAPPING_VALIDITY,
                    f"启用期间与已登记印章{seal.fingerprint[:16]}的有效期重叠",
                    "validFrom",
                )
            )
            break
    basis = legal_basis.strip()
    if not basis:
        out.append(Violation(SealRotationCode.LEGAL_BASIS_REQUIRED, "请填写电子印章效力依据(政府公告)", "legalBasis"))
    elif len(basis) > MAX_LEGAL_BASIS:
        out.append(Violation(SealRotationCode.OUT_OF_RANGE, f"效力依据不能超过{MAX_LEGAL_BASIS}个字符", "legalBasis"))
    if len(note.strip()) > MAX_NOTE:
        out.append(Violation(SealRotationCode.OUT_OF_RANGE, f"备注不能超过{MAX_NOTE}个字符", "note"))
    return out
