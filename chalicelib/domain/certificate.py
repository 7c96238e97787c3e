"""Certificates (电子证照): issued by the approval bureau under the one approval seal (seed 002).

Seed 002: the bureau produces every certificate (统一制证发证) and seals it with the one approval
seal; the producer is neither the acceptor nor a reviewer (受理、审核、制证三分离); delivery is at
the window or by mail; seed 000: certificates enter a shared library so applicants never submit
them again (批文入库, 资料共享). A certificate with materials pledged under deficiency acceptance
is issued only once they are supplied (seed 002 容缺办理: 待申请人补正全部材料后, 颁发证照).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from chalicelib.domain import application as da
from chalicelib.domain.deficiency_policy import ReviewOutcome, close_review
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identifiers import IdentifierKind, classify
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.text import INVALID_CHARACTERS, character_problem, visible
from chalicelib.domain.verified_identity import comparable_name

NUMBER_PATTERN = re.compile(r"^[A-Z0-9-]{3,60}$")


class CertificateStatus(StrEnum):
    """The seven licence statuses of the national specifications, spelled the same everywhere
    (GraphQL enum, `POST /verify` JSON, the public page's machine-readable status, the CLI).

    A correction (更正/变更) re-issues the licence: the old one becomes CANCELLED with the reason
    and `superseded_by` (GraphQL `replacedById`); the new one records `previous_identifier`.
    Records stored before this model spelled statuses in lowercase and had "superseded": the
    decoder below reads them (no data migration needed; a rewrite stores the new spelling)."""

    VALID = "VALID"  # 有效
    SUSPENDED = "SUSPENDED"  # 暂扣
    WITHDRAWN = "WITHDRAWN"  # 撤销 (the grant itself is undone, e.g. a broken 容缺 pledge)
    CANCELLED = "CANCELLED"  # 注销 (on the holder's request, by the bureau, or replaced by a correction)
    EXPIRED = "EXPIRED"  # 失效 (validity end date passed)
    TRANSFERRED_OUT = "TRANSFERRED_OUT"  # 转出 (moved to another issuing authority)
    REVOKED = "REVOKED"  # 吊销 (a sanction)

    @classmethod
    def _missing_(cls, value: object) -> CertificateStatus | None:
        """Tolerant decoding of records written before the seven-status model."""
        if not isinstance(value, str):
            return None
        if value.lower() == "superseded":
            return cls.CANCELLED
        return cls.__members__.get(value.upper())


STATUS_LABELS: dict[CertificateStatus, str] = {
    CertificateStatus.VALID: "有效",
    CertificateStatus.SUSPENDED: "暂扣",
    CertificateStatus.WITHDRAWN: "撤销",
    CertificateStatus.CANCELLED: "注销",
    CertificateStatus.EXPIRED: "失效",
    CertificateStatus.TRANSFERRED_OUT: "转出",
    CertificateStatus.REVOKED: "吊销",
}

# What the signed offline status list publishes (issue 13 point 7): every status a decision puts a
# licence in that its PDF and QR payload cannot show. Expiry is left out: the payload carries the
# validity end, and listing every expired licence would grow the list without end.
LISTED_STATUSES: frozenset[CertificateStatus] = frozenset(
    s for s in CertificateStatus if s not in {CertificateStatus.VALID, CertificateStatus.EXPIRED}
)

# Statuses a licence never leaves (a suspended one may be reinstated, or expire, or end otherwise).
FINAL_STATUSES: frozenset[CertificateStatus] = frozenset(
    (LISTED_STATUSES - {CertificateStatus.SUSPENDED}) | {CertificateStatus.EXPIRED}
)


class StatusActor(StrEnum):
    """Who makes a status change (the service derives these from the caller and the record)."""

    BUREAU = "BUREAU"  # certificate staff of the issuing bureau, in scope
    SUPERVISOR = "SUPERVISOR"  # 电子监察
    HOLDER = "HOLDER"  # the licence holder, asking for cancellation (注销)
    SWEEP = "SWEEP"  # the scheduled run, on the validity end date
    CORRECTION = "CORRECTION"  # a correction re-issue replaces the licence


_S, _A = CertificateStatus, StatusActor
# (from, to) -> who may make it. Every pair not listed is refused (ILLEGAL_STATUS_TRANSITION).
TRANSITIONS: dict[tuple[CertificateStatus, CertificateStatus], frozenset[StatusActor]] = {
    (_S.VALID, _S.SUSPENDED): frozenset({_A.BUREAU}),
    (_S.SUSPENDED, _S.VALID): frozenset({_A.BUREAU}),  # reinstatement (恢复)
    (_S.VALID, _S.WITHDRAWN): frozenset({_A.BUREAU, _A.SUPERVISOR}),
    (_S.SUSPENDED, _S.WITHDRAWN): frozenset({_A.BUREAU, _A.SUPERVISOR}),
    (_S.VALID, _S.REVOKED): frozenset({_A.BUREAU, _A.SUPERVISOR}),
    (_S.SUSPENDED, _S.REVOKED): frozenset({_A.BUREAU, _A.SUPERVISOR}),
    (_S.VALID, _S.CANCELLED): frozenset({_A.BUREAU, _A.HOLDER, _A.CORRECTION}),
    (_S.SUSPENDED, _S.CANCELLED): frozenset({_A.BUREAU, _A.HOLDER}),
    (_S.VALID, _S.TRANSFERRED_OUT): frozenset({_A.BUREAU}),
    (_S.VALID, _S.EXPIRED): frozenset({_A.SWEEP}),
    (_S.SUSPENDED, _S.EXPIRED): frozenset({_A.SWEEP}),
}
MAX_REASON = 500
# The registry record keeps only the most recent closed scheduled changes, so the item stays small
# (each at most ~3.2 KB: a reason and a note of 500 characters; 10 of them ~32 KB of DynamoDB's 400 KB
# item) however often a licence is rescheduled; every one of them, older ones included, stays on
# the case's audit trail (scheduled, taking effect, cancelled).
MAX_CLOSED_CHANGES = 10
MAX_EFFECTIVE_DAYS = 366  # a status change is scheduled at most a year ahead (and within the validity)


class VerificationChannel(StrEnum):
    """Where a verification came from, as its log entry records it."""

    GRAPHQL_LOOKUP = "graphql-lookup"
    GRAPHQL_UPLOAD = "graphql-upload"
    REST_UPLOAD = "rest-upload"
    REST_LOOKUP = "rest-lookup"  # POST /verify by licence identifier
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
    ILLEGAL_STATUS_TRANSITION = "ILLEGAL_STATUS_TRANSITION"  # e.g. reinstating a revoked licence
    EFFECTIVE_DATE_PAST = "EFFECTIVE_DATE_PAST"
    EFFECTIVE_DATE_TOO_LATE = "EFFECTIVE_DATE_TOO_LATE"  # beyond a year, or after the validity end
    REASON_TOO_LONG = "REASON_TOO_LONG"
    INVALID_CHARACTERS = INVALID_CHARACTERS
    ON_LEAVE = "ON_LEAVE"
    STATUS_CHANGE_PENDING = "STATUS_CHANGE_PENDING"  # a future change is already scheduled
    STATUS_CHANGE_IN_EFFECT = "STATUS_CHANGE_IN_EFFECT"  # too late to cancel: its effective day has come
    STATUS_CHANGE_NOT_PENDING = "STATUS_CHANGE_NOT_PENDING"  # dropped (the licence's status moved on)
    INVALID_IDENTIFIER = "INVALID_IDENTIFIER"  # malformed licence identifier or wrong check character
    ISSUER_CODE_MISSING = "ISSUER_CODE_MISSING"  # the issuing bureau has no valid credit code
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_TOO_LONG = "IDEMPOTENCY_KEY_TOO_LONG"


class ScheduledOutcome(StrEnum):
    """What became of a status change decided for a later day."""

    APPLIED = "APPLIED"  # it took effect on its day
    CANCELLED = "CANCELLED"  # withdrawn before its day (`certificateStatusChangeCancel`)
    DROPPED = "DROPPED"  # no longer possible: the licence's status changed first (ended, revoked, ...)


@dataclass(frozen=True)
class ClosedStatusChange:
    """A status change that was scheduled for a later day and is no longer pending, kept on the
    registry record (the certificate's own history of scheduled changes; each event is also on the
    case's audit trail). `closed_by`/`note`: who cancelled it and why (None: the sweep or the
    change that made it moot)."""

    id: str
    target: CertificateStatus
    effective_on: date
    reason: str
    scheduled_by: str | None
    outcome: ScheduledOutcome
    closed_at: str
    closed_by: str | None = None
    note: str = ""


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
    # GB/T 36904 identifier and GB/T 36903 metadata; empty on records issued before them until
    # `python -m infra.migrate certificate-identifiers` assigns them.
    identifier: str = ""
    previous_identifier: str | None = None  # the licence a correction or renewal replaced
    holder_code_type: str = ""  # 111 resident ID, 001 unified social credit code, 999 other
    issuer_code: str = ""  # the issuing bureau's unified social credit code
    jurisdiction_code: str = ""  # administrative division code of the issuing bureau
    valid_from: date | None = None  # None: from the issue date
    status_effective_on: date | None = None
    # A status change decided now with a later effective date; the sweep applies it on that day.
    pending_status: CertificateStatus | None = None
    pending_effective_on: date | None = None
    pending_reason: str = ""
    pending_by: str | None = None
    pending_id: str = ""  # the scheduled change's id ("" on changes scheduled before ids: see `pending_change_id`)
    closed_changes: tuple[ClosedStatusChange, ...] = ()  # scheduled changes applied, cancelled or dropped
    # 延续 (domain/renewal.py): a renewed licence names the one it renews; that one names its renewal.
    previous_certificate_id: str | None = None
    renewed_by: str | None = None
    # 统一制证 (seed 002 四(六), domain/certificate_type.py): the version of the type's template it
    # was rendered with and that template's layout; 0 / "" on records issued before templates.
    type_version: int = 0
    layout: str = ""

    def current_status(self, today: date) -> CertificateStatus:
        """Expiry and a due scheduled change are matters of the calendar, whether or not the sweep
        has recorded them yet."""
        status = self.status
        pending = self.pending_status
        due = self.pending_effective_on is not None and self.pending_effective_on <= today
        if pending is not None and due and (status, pending) in TRANSITIONS:
            status = pending
        ended = self.valid_until is not None and self.valid_until < today
        if ended and status in {CertificateStatus.VALID, CertificateStatus.SUSPENDED}:
            return CertificateStatus.EXPIRED
        return status


def pending_change_id(cert: Certificate) -> str | None:
    """The id of the change waiting for its day (None: nothing scheduled). A change scheduled
    before changes had ids is named by its effective date: one change is pending at a time."""
    if cert.pending_status is None or cert.pending_effective_on is None:
        return None
    return cert.pending_id or f"d{cert.pending_effective_on.isoformat()}"


def new_change_id() -> str:
    """Unguessable and short: a change id travels inside an opaque global ID."""
    return secrets.token_hex(6)


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
    # The system is no person: its deemed decisions (超时默认, 延续 art. 50) and the licence it then
    # issues itself leave no one holding two of the three duties (domain/renewal.py).
    involved = {case.accepted_by, decided_by, *(t.reviewer_id for t in case.tasks)} - {da.SYSTEM}
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
    that took the case, wherever it was decided and issued; mail goes from the issuer. A window
    clerk on granted leave does not hand results over: the backup holds the post (seed 004 三(二))."""
    if actor.on_leave and not actor.has_any(Role.BUREAU):
        raise _fail(CertCode.ON_LEAVE, "您正在休假,岗位工作由B岗顶岗处理,休假结束后方可办理")
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


def actors(cert: Certificate, principal: Principal) -> frozenset[StatusActor]:
    """In which capacities `principal` may change this licence's status: the holder (cancellation),
    bureau certificate staff of the centre that issued it or took the case, any supervisor."""
    found: set[StatusActor] = set()
    if principal.subject is not None and principal.subject == cert.holder_account:
        found.add(StatusActor.HOLDER)
    if principal.has_any(Role.BUREAU) and principal.centre_id in {cert.centre_id, cert.issuer_centre_id}:
        found.add(StatusActor.BUREAU)
    if principal.has_any(Role.SUPERVISOR):
        found.add(StatusActor.SUPERVISOR)
    return frozenset(found)


def check_transition(current: CertificateStatus, target: CertificateStatus, as_: frozenset[StatusActor]) -> None:
    """Refuse a pair the table does not have (ILLEGAL_STATUS_TRANSITION) or a caller it does not
    name for the pair (FORBIDDEN)."""
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        raise _fail(
            CertCode.ILLEGAL_STATUS_TRANSITION,
            f"证照状态不能从「{STATUS_LABELS[current]}」变更为「{STATUS_LABELS[target]}」",
            "target",
        )
    if not allowed & as_:
        raise _fail(CertCode.FORBIDDEN, f"无权将证照状态变更为「{STATUS_LABELS[target]}」", "target")


def _reason_problems(text: str, action: str) -> list[Violation]:
    """A reason people read on the page and in the registry: present, bounded, printable."""
    if not visible(text):
        return [Violation(CertCode.REASON_REQUIRED, f"{action}须说明理由", "reason")]
    if len(text) > MAX_REASON:
        return [Violation(CertCode.REASON_TOO_LONG, f"理由不能超过{MAX_REASON}字", "reason")]
    problem = character_problem(text, "理由", multiline=True)
    return [Violation(CertCode.INVALID_CHARACTERS, problem, "reason")] if problem else []


def change_status(
    cert: Certificate,
    target: CertificateStatus,
    as_: frozenset[StatusActor],
    reason: str,
    effective_on: date,
    now: datetime,
    by: str,
) -> Certificate:
    """A status change with its reason and effective date (today or later; a later date is
    recorded as pending and applied by the sweep on that day). Every problem is reported at once."""
    today = da.china_date(now)
    problems: list[Violation] = []
    try:
        check_transition(cert.current_status(today), target, as_)
    except DomainError as error:
        problems.extend(error.violations)
    text = reason.strip()
    problems.extend(_reason_problems(text, "变更证照状态"))
    if effective_on < today:
        problems.append(Violation(CertCode.EFFECTIVE_DATE_PAST, "生效日期不能早于今天", "effectiveOn"))
    last = min(d for d in (today + timedelta(days=MAX_EFFECTIVE_DAYS), cert.valid_until) if d is not None)
    if effective_on > today and effective_on > last:  # only a scheduled change can be too late
        message = f"生效日期不能晚于{last.isoformat()}(至多一年以后,且不晚于证照有效期届满日)"
        problems.append(Violation(CertCode.EFFECTIVE_DATE_TOO_LATE, message, "effectiveOn"))
    if effective_on > today and cert.pending_status is not None:
        problems.append(
            Violation(CertCode.STATUS_CHANGE_PENDING, "该证照已有待生效的状态变更,生效后再安排新的变更", "effectiveOn")
        )
    if problems:
        raise DomainError(problems)
    if effective_on > today:
        return replace(
            cert,
            pending_status=target,
            pending_effective_on=effective_on,
            pending_reason=text,
            pending_by=by,
            pending_id=new_change_id(),
        )
    return _set_status(cert, target, text, today, now, by)


def _set_status(
    cert: Certificate,
    target: CertificateStatus,
    reason: str,
    day: date,
    now: datetime,
    by: str | None,
    outcome: ScheduledOutcome = ScheduledOutcome.DROPPED,
) -> Certificate:
    """The new status; a change still pending closes with `outcome` (applied when it is the one
    taking effect, else dropped: a status that changed first makes it moot)."""
    return replace(
        _close_pending(cert, outcome, now, by if outcome is not ScheduledOutcome.APPLIED else None),
        status=target,
        status_reason=reason,
        status_changed_at=now.isoformat(timespec="seconds"),
        status_changed_by=by,
        status_effective_on=day,
    )


def _close_pending(
    cert: Certificate, outcome: ScheduledOutcome, now: datetime, by: str | None, note: str = ""
) -> Certificate:
    """The record without its pending change, which joins `closed_changes` with its outcome (the
    oldest beyond `MAX_CLOSED_CHANGES` leave the record; the case's trail keeps them)."""
    change_id = pending_change_id(cert)
    if change_id is None or cert.pending_status is None or cert.pending_effective_on is None:
        return cert
    closed = ClosedStatusChange(
        id=change_id,
        target=cert.pending_status,
        effective_on=cert.pending_effective_on,
        reason=cert.pending_reason,
        scheduled_by=cert.pending_by,
        outcome=outcome,
        closed_at=now.isoformat(timespec="seconds"),
        closed_by=by,
        note=note,
    )
    return replace(
        cert,
        pending_status=None,
        pending_effective_on=None,
        pending_reason="",
        pending_by=None,
        pending_id="",
        closed_changes=(*cert.closed_changes, closed)[-MAX_CLOSED_CHANGES:],
    )


def cancel_pending(
    cert: Certificate, change_id: str, as_: frozenset[StatusActor], reason: str, now: datetime, by: str
) -> Certificate | None:
    """Withdraw a change scheduled for a later day before that day comes: whoever may schedule it
    may cancel it (the transition table, for the licence as it stands). The cancellation is kept
    with who, when and why. Returns None when `change_id` was cancelled already (a retry: nothing
    to write). Refused: an unknown change (NOT_FOUND), one whose day has come (STATUS_CHANGE_IN_EFFECT,
    also once applied), one dropped because the status moved on (STATUS_CHANGE_NOT_PENDING), a
    caller the table does not name (FORBIDDEN), a missing or bad reason; all at once."""
    earlier = next((c for c in cert.closed_changes if c.id == change_id), None)
    if earlier is not None and earlier.outcome is ScheduledOutcome.CANCELLED:
        return None
    today = da.china_date(now)
    text = reason.strip()
    reason_problems = cancel_reason_problems(text)
    if earlier is not None and earlier.outcome is ScheduledOutcome.APPLIED:
        message = f"该状态变更已于{earlier.effective_on.isoformat()}生效,不能撤回"
        raise DomainError([Violation(CertCode.STATUS_CHANGE_IN_EFFECT, message, "id"), *reason_problems])
    if earlier is not None:
        message = "该状态变更因证照状态已变化而失效,无需撤回"
        raise DomainError([Violation(CertCode.STATUS_CHANGE_NOT_PENDING, message, "id"), *reason_problems])
    if pending_change_id(cert) != change_id or cert.pending_status is None or cert.pending_effective_on is None:
        raise change_not_found(reason)
    problems: list[Violation] = []
    if cert.pending_effective_on <= today:  # in effect from its day, even before the sweep records it
        message = f"该状态变更已于{cert.pending_effective_on.isoformat()}生效,不能撤回"
        problems.append(Violation(CertCode.STATUS_CHANGE_IN_EFFECT, message, "id"))
    if not TRANSITIONS.get((cert.status, cert.pending_status), frozenset()) & as_:
        label = STATUS_LABELS[cert.pending_status]
        problems.append(Violation(CertCode.FORBIDDEN, f"无权撤回将证照变更为「{label}」的安排", "id"))
    problems.extend(reason_problems)
    if problems:
        raise DomainError(problems)
    return _close_pending(cert, ScheduledOutcome.CANCELLED, now, by, text)


def cancel_reason_problems(reason: str) -> list[Violation]:
    """What is wrong with a cancellation's reason, whatever the change named: reported together
    with an id problem (malformed, unknown, hidden), so every input problem comes at once."""
    return _reason_problems(reason.strip(), "撤回状态变更")


def change_not_found(reason: str) -> DomainError:
    """An unknown scheduled change (or one on a licence the caller may not see), with any reason
    problem: the same answer either way."""
    return DomainError([Violation(CertCode.NOT_FOUND, "待生效的状态变更不存在", "id"), *cancel_reason_problems(reason)])


def apply_pending(cert: Certificate, now: datetime) -> Certificate | None:
    """The sweep on or after a pending change's effective date: the record with the change made
    (None when nothing is due). A change that is no longer possible (the licence ended meanwhile)
    is dropped rather than applied."""
    today = da.china_date(now)
    if cert.pending_status is None or cert.pending_effective_on is None or cert.pending_effective_on > today:
        return None
    if (cert.status, cert.pending_status) not in TRANSITIONS:
        return _close_pending(cert, ScheduledOutcome.DROPPED, now, None)
    return _set_status(
        cert,
        cert.pending_status,
        cert.pending_reason,
        cert.pending_effective_on,
        now,
        cert.pending_by,
        ScheduledOutcome.APPLIED,
    )


def revoke(cert: Certificate, reason: str, now: datetime, by: str) -> Certificate:
    """吊销 at once (`certificateRevoke`): the bureau or a supervisor (the service checks roles)."""
    as_ = frozenset({StatusActor.BUREAU, StatusActor.SUPERVISOR})
    return change_status(cert, CertificateStatus.REVOKED, as_, reason, da.china_date(now), now, by)


def withdraw(cert: Certificate, reason: str, now: datetime, by: str) -> Certificate:
    """撤销 at once: the grant is undone (e.g. a false pledge found at verification, 告知承诺)."""
    as_ = frozenset({StatusActor.BUREAU, StatusActor.SUPERVISOR})
    return change_status(cert, CertificateStatus.WITHDRAWN, as_, reason, da.china_date(now), now, by)


def supersede(cert: Certificate, by: str, reason: str, now: datetime) -> Certificate:
    """A correction replaces the licence: it is cancelled (注销) and points to its replacement."""
    if cert.current_status(da.china_date(now)) is not CertificateStatus.VALID:
        raise _fail(CertCode.NOT_VALID, "只能更正有效的证照")
    problems = _reason_problems(reason.strip(), "更正")
    if problems:
        raise DomainError(problems)
    changed = _set_status(cert, CertificateStatus.CANCELLED, reason.strip(), da.china_date(now), now, None)
    return replace(changed, superseded_by=by)


def expire(cert: Certificate, now: datetime) -> Certificate:
    """The sweep records the end of validity (a valid or suspended licence)."""
    check_transition(cert.status, CertificateStatus.EXPIRED, frozenset({StatusActor.SWEEP}))
    return _set_status(cert, CertificateStatus.EXPIRED, "有效期届满", da.china_date(now), now, None)


# A licence withdrawn (撤销) or revoked (吊销) ends the 容缺后补 revocation review its case's lapsed
# pledge opened (seed 002 四(八), domain/deficiency_policy.py): the review's question is answered.
ENDS_REVOCATION_REVIEW: frozenset[CertificateStatus] = frozenset(
    {CertificateStatus.REVOKED, CertificateStatus.WITHDRAWN}
)


def record_change(
    case: da.Application,
    before: Certificate,
    after: Certificate,
    actor: Principal,
    now: datetime,
    action: str,
    reason: str,
) -> da.Transition:
    """A change of the case's certificate joins the case's trail; one that puts the licence in a
    status ending the revocation review (revoked or withdrawn, taking effect now) closes it. The one
    rule for every path: `certificateRevoke`, `certificateStatusChange` effective today, and the
    sweep applying a change scheduled for a later day (a change merely scheduled closes nothing)."""
    transition = da.record_certificate_event(case, actor, now, action, reason)
    if after.status in ENDS_REVOCATION_REVIEW and after.status is not before.status:
        at = now.isoformat(timespec="seconds")
        review = close_review(transition.case.revocation_review, ReviewOutcome.REVOKED, at)
        transition = replace(transition, case=replace(transition.case, revocation_review=review))
    return transition


def holder_named(cert: Certificate, name: str) -> bool:
    """Does `name` name this licence's holder? Compared the way names are compared at filing
    (NFKC, whitespace dropped: 「舟山海星(有限)公司」 with full-width brackets or a space inside is the same
    holder). A blank name names nobody. Callers answer a mismatch exactly as an unknown licence."""
    given = comparable_name(name)
    return bool(given) and given == comparable_name(cert.holder_name)


def holder_code_type(identifier: str) -> str:
    """GB/T 36903 holder code type: 111 resident ID, 001 unified social credit code, 999 other."""
    kind = classify(identifier)
    if kind is IdentifierKind.RESIDENT_ID:
        return "111"
    if kind is IdentifierKind.CREDIT_CODE:
        return "001"
    return "999"


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
