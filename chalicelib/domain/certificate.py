"""Certificates (电子证照): issued by the approval bureau under the one approval seal (seed 002).

Seed 002: the bureau produces every certificate (统一制证发证) and seals it with the one approval
seal; the producer is neither the acceptor nor a reviewer (受理、审核、制证三分离); delivery is at
the window or by mail; seed 000: certificates enter a shared library so applicants never submit
them again (批文入库, 资料共享). A certificate with materials pledged under deficiency acceptance
is issued only once they are supplied (seed 002 容缺办理: 待申请人补正全部材料后, 颁发证照).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from chalicelib.domain import application as da
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role

NUMBER_PATTERN = re.compile(r"^[A-Z0-9-]{3,60}$")


class CertificateStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # corrected by a re-issue
    EXPIRED = "expired"


class VerificationChannel(StrEnum):
    """Where a verification came from, as its log entry records it."""

    GRAPHQL_LOOKUP = "graphql-lookup"
    GRAPHQL_UPLOAD = "graphql-upload"
    REST_UPLOAD = "rest-upload"
    PUBLIC_PAGE = "public-page"
    PRESIGNED_UPLOAD = "presigned-upload"  # a file too large for one request, uploaded first


class DeliveryMethod(StrEnum):
    WINDOW = "window"
    MAIL = "mail"


class CertCode:
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    INVALID_ID = "INVALID_ID"
    NOT_APPROVED = "NOT_APPROVED"
    NO_CERTIFICATE_TYPE = "NO_CERTIFICATE_TYPE"
    ALREADY_ISSUED = "ALREADY_ISSUED"
    PLEDGE_OUTSTANDING = "PLEDGE_OUTSTANDING"
    MATERIALS_INCOMPLETE = "MATERIALS_INCOMPLETE"
    SEPARATION_OF_DUTIES = "SEPARATION_OF_DUTIES"
    NOT_VALID = "NOT_VALID"
    ALREADY_DELIVERED = "ALREADY_DELIVERED"
    TRACKING_REQUIRED = "TRACKING_REQUIRED"
    REASON_REQUIRED = "REASON_REQUIRED"
    SEALING_FAILED = "SEALING_FAILED"
    SEAL_NOT_REGISTERED = "SEAL_NOT_REGISTERED"  # the issuing bureau has no registered seal valid now
    STORAGE_FAILED = "STORAGE_FAILED"
    NOT_HOLDER = "NOT_HOLDER"
    PDF_TOO_LARGE = "PDF_TOO_LARGE"
    INVALID_PDF = "INVALID_PDF"
    WRONG_WINDOW = "WRONG_WINDOW"


def _fail(code: str, message: str, field_: str | None = None) -> DomainError:
    return DomainError.one(code, message, field_)


@dataclass(frozen=True)
class Certificate:
    """The registry record (证照目录): licence metadata plus the SHA-256 of the sealed PDF."""

    id: str
    number: str
    verification_code: str
    type_code: str
    type_name: str
    holder_account: str
    holder_name: str
    holder_identifier: str
    authority_code: str
    authority_name: str
    issued_on: date
    valid_until: date | None
    item_code: str
    item_name: str
    application_id: str
    sha256: str
    blob_key: str
    size: int
    issued_by: str
    issued_at: str
    centre_id: str = ""  # where the case was filed
    issuer_centre_id: str = ""  # the bureau's centre (a city bureau also serves its sub-centres)
    status: CertificateStatus = CertificateStatus.VALID
    supersedes: str | None = None
    superseded_by: str | None = None
    delivery: DeliveryMethod | None = None
    delivery_tracking: str = ""
    delivered_at: str | None = None
    status_reason: str = ""
    status_changed_at: str | None = None
    status_changed_by: str | None = None
    delivered_by: str | None = None
    # 审管联动 (seed 002): recorded at issue so pushes and inspections need no other read; empty on
    # records issued before the fields existed (the service then derives them).
    supervising_department_id: str = ""
    issuer_department_id: str = ""
    # 统一制证 (seed 002 四(六), domain/certificate_type.py): the version of the type's template it
    # was rendered with and that template's layout; 0 / "" on records issued before templates.
    type_version: int = 0
    layout: str = ""

    def current_status(self, today: date) -> CertificateStatus:
        """Expiry is a matter of the calendar, whether or not the sweep has recorded it yet."""
        if self.status is CertificateStatus.VALID and self.valid_until is not None and self.valid_until < today:
            return CertificateStatus.EXPIRED
        return self.status


def valid_until(issued_on: date, years: int | None) -> date | None:
    """The day before the anniversary (a 5-year licence issued 2026-11-22 runs to 2031-11-21)."""
    if years is None:
        return None
    try:
        anniversary = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February
        anniversary = issued_on.replace(year=issued_on.year + years, day=28)
    return date.fromordinal(anniversary.toordinal() - 1)


def check_issuable(case: da.Application, actor: Principal, correcting: bool = False) -> None:
    """Who may produce this case's certificate, and whether the case is ready for it."""
    if not actor.has_any(Role.BUREAU) or actor.subject is None:
        raise _fail(CertCode.FORBIDDEN, "只有行政审批局制证人员可以制发证照")
    if case.state is not da.State.APPROVED:
        raise _fail(CertCode.NOT_APPROVED, "办件未获准予许可,不能制证")
    if case.item.elements.certificate_type is None:
        raise _fail(CertCode.NO_CERTIFICATE_TYPE, "该事项不颁发证照")
    if case.certificate_id is not None and not correcting:
        raise _fail(CertCode.ALREADY_ISSUED, "该办件已制发证照")
    if case.pledge is not None and not case.pledge.allows_issue:  # 容缺后补 issues at once (seed 002)
        raise _fail(CertCode.PLEDGE_OUTSTANDING, "容缺材料尚未补齐,补齐后方可颁发证照")
    if case.missing_primary():
        raise _fail(CertCode.MATERIALS_INCOMPLETE, "主要材料不全,不能颁发证照")
    decided_by = case.decision.decided_by if case.decision else None
    involved = {case.accepted_by, decided_by, *(t.reviewer_id for t in case.tasks)}
    if actor.subject in involved:
        raise _fail(
            CertCode.SEPARATION_OF_DUTIES, "受理、审核、制证须由不同人员办理,本件的受理人、审查人或决定人不能制证"
        )


def format_number(authority_code: str, year: int, sequence: int) -> str:
    """Unique per issuing authority and year, without gaps: e.g. ZS-SPJ-2026-000001."""
    return f"{authority_code}-{year}-{sequence:06d}"


def in_scope(cert: Certificate, principal: Principal) -> bool:
    """Holders see their own; supervisors all; bureau and window staff those of their centre."""
    if principal.subject is not None and principal.subject == cert.holder_account:
        return True
    if principal.has_any(Role.SUPERVISOR):
        return True
    return principal.has_any(Role.BUREAU, Role.CLERK) and principal.centre_id in {cert.centre_id, cert.issuer_centre_id}


def check_delivery_window(cert: Certificate, method: DeliveryMethod, actor: Principal) -> None:
    """统一送达 (seed 000 三(一)2): a result handed over at a window is handed over at the window
    that took the case, wherever it was decided and issued; mail goes from the issuer."""
    if method is DeliveryMethod.WINDOW and cert.centre_id and actor.centre_id != cert.centre_id:
        raise _fail(CertCode.WRONG_WINDOW, "证照须在受理该申请的窗口统一送达", "method")


def deliver(cert: Certificate, method: DeliveryMethod, tracking: str, now: datetime, by: str) -> Certificate:
    if cert.status is not CertificateStatus.VALID:
        raise _fail(CertCode.NOT_VALID, "证照已失效,不能送达")
    if cert.delivery is not None:
        raise _fail(CertCode.ALREADY_DELIVERED, "证照已送达")
    tracking = tracking.strip()
    if method is DeliveryMethod.MAIL and not tracking:
        raise _fail(CertCode.TRACKING_REQUIRED, "邮寄送达须填写快递单号", "trackingNumber")
    if len(tracking) > 60:
        raise _fail(CertCode.TRACKING_REQUIRED, "快递单号过长", "trackingNumber")
    return replace(
        cert,
        delivery=method,
        delivery_tracking=tracking,
        delivered_at=now.isoformat(timespec="seconds"),
        delivered_by=by,
    )


def revoke(cert: Certificate, reason: str, now: datetime, by: str) -> Certificate:
    if cert.status is not CertificateStatus.VALID:
        raise _fail(CertCode.NOT_VALID, "只能撤销有效的证照")
    if not reason.strip() or len(reason) > 500:
        raise _fail(CertCode.REASON_REQUIRED, "撤销须说明理由(不超过500字)", "reason")
    at = now.isoformat(timespec="seconds")
    return replace(
        cert, status=CertificateStatus.REVOKED, status_reason=reason.strip(), status_changed_at=at, status_changed_by=by
    )


def supersede(cert: Certificate, by: str, reason: str, now: datetime) -> Certificate:
    if cert.status is not CertificateStatus.VALID:
        raise _fail(CertCode.NOT_VALID, "只能更正有效的证照")
    if not reason.strip() or len(reason) > 500:
        raise _fail(CertCode.REASON_REQUIRED, "更正须说明理由(不超过500字)", "reason")
    at = now.isoformat(timespec="seconds")
    return replace(
        cert, status=CertificateStatus.SUPERSEDED, superseded_by=by, status_reason=reason.strip(), status_changed_at=at
    )


def expire(cert: Certificate, now: datetime) -> Certificate:
    return replace(cert, status=CertificateStatus.EXPIRED, status_changed_at=now.isoformat(timespec="seconds"))


def mask_name(name: str) -> str:
    """Public pages show 王*燕 / 舟山海星****公司: enough to recognise, not to identify."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    if len(name) <= 4:
        return name[0] + "*" * (len(name) - 2) + name[-1]
    keep = max(2, len(name) * 2 // 5)  # 舟山海星水产有限公司 -> 舟山海星****公司
    return name[:keep] + "*" * (len(name) - keep - 2) + name[-2:]


def mask_identifier(identifier: str) -> str:
    """At most a quarter of the characters stay visible, whatever the length (18-digit ID card:
    33**************34; an 8-character passport number: R******7)."""
    keep = len(identifier) // 4
    head, tail = (keep + 1) // 2, keep // 2
    return identifier[:head] + "*" * (len(identifier) - head - tail) + (identifier[-tail:] if tail else "")
