"""Certificate use cases: issue, re-issue (correction), deliver, revoke, expire, verify.

Issuance is all-or-nothing. The PDF is rendered with its number, sealed and stored first (under a
fresh key nobody references yet); then ONE transaction takes the number from the counter,
writes the registry record and its lookups, and moves the case on. If sealing or storing fails,
or the transaction does, the case is still approved-awaiting-issue and nothing else changed; a
lost race for the number re-renders with the next one, so numbers have no gaps or duplicates; a
retry after success finds the case's certificate and returns it (exactly one certificate).

Result push (审管联动, seed 002): issuing, correcting (issued + superseded) and revoking stage a
message to the supervising department in the same transaction as the change, so a push exists
exactly when the change does; the relay delivers it right after the commit (or on its schedule).
A retried issuance that finds the certificate returns it without staging anything.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib import observability
from chalicelib.domain import application as da
from chalicelib.domain import certificate as dcert
from chalicelib.domain import licence_identifier as dli
from chalicelib.domain.certificate import CertCode, Certificate, CertificateStatus, DeliveryMethod
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message
from chalicelib.domain.organisation import Department
from chalicelib.domain.result_push import PushAction, result_push, supervising_department
from chalicelib.services import archival_timestamps, certificate_types, clock
from chalicelib.services.applications import ApplicationService
from chalicelib.services.budget import UNLIMITED, Budget
from chalicelib.services.certificate_parts import SealNotRegisteredError, legal_basis, seal_authority
from chalicelib.services.outbox import Relay
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.archival_timestamp_repository import ArchivalTimestampRepository
from chalicelib.storage.batch_reads import get_all
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.certificate_repository import CertificateRepository, VerificationLogEntry
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

log = logging.getLogger(__name__)

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_PDF_BYTES = 10 * 1024 * 1024
NUMBER_ATTEMPTS = 5
MAX_IDEMPOTENCY_KEY = 100
STATUS_CHANGE = "certificateStatusChange"
SWEEP_PRINCIPAL = Principal(subject=None, roles=frozenset())  # the scheduled run, audited as "system"


def new_verification_code() -> str:
    """80 bits, unguessable: the QR code's link cannot be enumerated."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))


def public_base_url() -> str:
    return os.environ.get("UAP_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


class Blobs(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> Any: ...
    def get(self, key: str) -> bytes | None: ...


Renderer = Callable[..., bytes]  # (certificate, details) -> unsealed PDF
Sealer = Callable[[bytes, Certificate], bytes]  # (pdf, certificate) -> PDF sealed with its bureau's seal
Verifier = Callable[..., Any]  # (sealed PDF, issuing bureau or None) -> signing.VerificationReport


@dataclass(frozen=True)
class UploadCheck:
    """What verifying an uploaded PDF established, each part separately."""

    report: Any
    certificate: Certificate | None
    registry_match: bool
    status: CertificateStatus | None

    @property
    def valid(self) -> bool:
        return bool(
            self.report.indication.value == "PASSED" and self.registry_match and self.status is CertificateStatus.VALID
        )


class CertificateService:
    def __init__(
        self,
        certificates: CertificateRepository,
        applications: ApplicationService,
        catalogue: CatalogueRepository,
        blobs: Blobs,
        render: Renderer,
        seal: Sealer,
        verify: Verifier,
        relay: Relay | None = None,
    ) -> None:
        self._relay = relay
        self.outbox = OutboxRepository()
        self.idempotency = IdempotencyRepository()
        self.certificates = certificates
        self.applications = applications
        self.catalogue = catalogue
        self.blobs = blobs
        self.render = render
        self.seal = seal
        self.verify = verify

    @property
    def relay(self) -> Relay:
        """Built on first use: verification-only requests never read the channel settings."""
        if self._relay is None:
            self._relay = Relay()
        return self._relay

    def _stage_pushes(self, uow: UnitOfWork, pushes: list[Message]) -> None:
        for message in pushes:
            self.outbox.stage(uow, message)

    # --- issuance --------------------------------------------------------------------------------

    def issue(self, principal: Principal, application_id: str) -> Certificate:
        case, rev = self.applications.load(application_id, principal)
        if case.certificate_id is not None:  # a retry after success: the one certificate
            found = self.certificates.get(case.certificate_id)
            if found is not None and principal.has_any(Role.BUREAU):
                return found[0]
        dcert.check_issuable(case, principal)
        return self._produce(principal, application_id, supersedes=None, reason="", loaded=(case, rev))

    def issue_loaded(self, principal: Principal, case: da.Application, rev: int) -> Certificate:
        """Issue for a case the caller already read (the renewal sweep issues a deemed-granted
        renewal as the system, services/renewals.py): the same checks and path as `issue`."""
        dcert.check_issuable(case, principal)
        return self._produce(principal, case.id, supersedes=None, reason="", loaded=(case, rev))

    def correct(self, principal: Principal, certificate_id: str, reason: str) -> Certificate:
        """更正: re-issue from the case with a new number; the old one is superseded."""
        old = self._load(certificate_id, principal)
        case, rev = self.applications.load(old.application_id, principal)
        dcert.check_issuable(case, principal, correcting=True)
        dcert.supersede(old, "pending", reason, clock.utc_now())  # validates before any work
        return self._produce(principal, old.application_id, supersedes=old, reason=reason, loaded=(case, rev))

    def _produce(
        self,
        principal: Principal,
        application_id: str,
        supersedes: Certificate | None,
        reason: str,
        loaded: tuple[da.Application, int],
    ) -> Certificate:
        """`loaded` is the case as the caller just read and checked it: the first attempt uses it,
        a retry after a lost race reads it again. The department, the number counter and the item
        are read together in one BatchGetItem (issue 14: issuing is 4 requests, not 7)."""
        assert principal.subject is not None and principal.department_id is not None
        authority = principal.department_id.upper()
        for attempt in range(NUMBER_ATTEMPTS):
            case, rev = loaded if attempt == 0 else self.applications.load(application_id, principal)
            if supersedes is None and case.certificate_id is not None:
                found = self.certificates.get(case.certificate_id)
                assert found is not None
                return found[0]  # a concurrent issuance won: there is exactly one certificate
            now = clock.utc_now()
            # The licence a correction replaces and the one a renewal continues, read fresh with the
            # rest (their revisions guard the transaction below): no request of their own.
            linked_ids = [c for c in (supersedes.id if supersedes else None, _renews(case)) if c is not None]
            department, counter, current, cert_type, *linked = get_all(
                [
                    self.catalogue.department_ref(principal.department_id),
                    self.certificates.sequence_ref(authority, da.china_date(now).year),
                    self.catalogue.item_ref(case.item.code),
                    certificate_types.issuance_ref(case),  # the type's template (seed 002 四(六))
                    *(self.certificates.ref(c) for c in linked_ids),
                ]
            )
            read: dict[str, tuple[Certificate, int]] = {
                c: found for c, found in zip(linked_ids, linked, strict=True) if found
            }
            if department is None:
                raise DomainError.one(CertCode.FORBIDDEN, "制证人员所属部门不存在")
            template = certificate_types.fill(cert_type, case, principal, da.china_date(now))
            last, counter_rev = counter if counter is not None else (0, None)
            cert = self._certificate(case, principal, department.name, authority, last + 1, now, supersedes, template)
            cert = _with_licence_metadata(cert, department, last + 1, supersedes, case.renewal)
            # Supervision follows the catalogue as it is now (it may have moved since filing).
            if current is not None:
                supervisor = current[0].elements.effective_supervising_department_id
                cert = replace(cert, supervising_department_id=supervisor)
            pdf = self._sealed_pdf(cert, case, template)
            key = f"certificates/{da.storage_owner(case.applicant.id)}/{cert.id}"
            try:
                self.blobs.put(key, pdf, "application/pdf")
            except Exception as error:  # any storage failure leaves the case awaiting issue
                log.exception("storing certificate %s failed", cert.number)
                raise DomainError.one(CertCode.STORAGE_FAILED, "证照文件保存失败,办件仍为待制证,请重试") from error
            cert = _with_file(cert, pdf, key)
            uow = UnitOfWork()
            self.certificates.stage_issue(uow, cert, authority, last + 1, counter_rev)
            archival_timestamps.stage_issued(uow, ArchivalTimestampRepository(), cert, pdf)  # B-T and up
            at = now.isoformat(timespec="seconds")
            pushes = [result_push(cert, PushAction.ISSUED, cert.supervising_department_id, at)]
            if supersedes is not None:
                old_cert, old_rev = read[supersedes.id]  # a certificate being corrected exists
                old = dcert.supersede(old_cert, cert.id, reason, now)
                self.certificates.stage_update(uow, old, old_rev)
                pushes.append(result_push(old, PushAction.SUPERSEDED, supervising_department(old, case), at))
            renews = _renews(case)
            if renews is not None and renews in read:  # 延续: the previous licence names its renewal
                previous, previous_rev = read[renews]
                self.certificates.stage_update(uow, replace(previous, renewed_by=cert.id), previous_rev)
            self._stage_pushes(uow, pushes)
            transition = da.record_issuance(case, principal, now, cert.id, cert.number, reissue=supersedes is not None)
            self.applications.applications.stage_change(
                uow, case, transition.case, rev, transition.event, da.china_date(now)
            )
            try:
                uow.commit()
            except DomainError as error:
                if error.violations[0].code != CONFLICT:
                    raise
                continue  # the number or the case moved on: look again (nothing was pushed)
            self.relay.deliver_soon(pushes)
            observability.emit({"action": "corrected" if supersedes else "issued"}, {"CertificatesIssued": 1})
            return cert
        raise DomainError.one(CONFLICT, "证照编号分配冲突,请稍后重试")

    def _certificate(
        self,
        case: da.Application,
        principal: Principal,
        authority_name: str,
        authority: str,
        sequence: int,
        now: datetime,
        supersedes: Certificate | None,
        template: certificate_types.IssuedTemplate,
    ) -> Certificate:
        cert_type = template.cert_type
        assert principal.subject is not None
        today = da.china_date(now)
        return Certificate(
            id=secrets.token_hex(10),
            number=dcert.format_number(authority, today.year, sequence),
            verification_code=new_verification_code(),
            type_code=cert_type.code,
            type_name=cert_type.name,
            holder_account=case.applicant.id,
            holder_name=case.applicant.name,
            holder_identifier=case.applicant.identifier,
            authority_code=authority,
            authority_name=authority_name,
            issued_on=today,
            valid_until=template.valid_until,
            valid_from=template.valid_from,
            item_code=case.item.code,
            item_name=case.item.elements.name,
            application_id=case.id,
            sha256="",
            blob_key="",
            size=0,
            issued_by=principal.subject,
            issued_at=now.isoformat(timespec="seconds"),
            centre_id=case.centre_id,
            issuer_centre_id=principal.centre_id or "",
            supersedes=supersedes.id if supersedes else None,
            supervising_department_id=case.item.elements.effective_supervising_department_id,
            issuer_department_id=principal.department_id or "",
            previous_certificate_id=case.renewal.certificate_id if case.renewal else None,
            type_version=cert_type.version,
            layout=cert_type.layout.value,
        )

    def _sealed_pdf(self, cert: Certificate, case: da.Application, template: certificate_types.IssuedTemplate) -> bytes:
        details: tuple[tuple[str, str], ...] = (("申请编号", case.tracking_code), ("事项编码", case.item.code))
        basis = legal_basis(cert)
        if basis:  # seed 003 二(七): the notice that gives this bureau's e-seal legal effect
            details = (*details, ("印章依据", basis))
        url = f"{public_base_url()}/v/{cert.verification_code}"
        try:
            pdf = self.render(cert, details, url, fields=template.fields, valid_from=cert.valid_from)
        except ValueError as error:  # answers too long for the layout's one page: nothing written
            log.warning("certificate %s not rendered: %s", cert.number, error)
            raise certificate_types.does_not_fit(template) from error
        try:
            return self.seal(pdf, cert)
        except SealNotRegisteredError as error:  # seed 003 二(七): only the bureau's registered seal
            log.error("certificate %s not sealed: %s", cert.number, error)
            raise DomainError.one(
                CertCode.SEAL_NOT_REGISTERED, "发证机关没有在有效期内登记的电子印章,不能制证,办件仍为待制证"
            ) from error
        except Exception as error:  # the case stays approved-awaiting-issue
            log.exception("sealing certificate %s failed", cert.number)
            raise DomainError.one(CertCode.SEALING_FAILED, "电子印章加盖失败,办件仍为待制证,请重试") from error

    # --- lifecycle -------------------------------------------------------------------------------

    def _load(self, certificate_id: str, principal: Principal) -> Certificate:
        found = self.certificates.get(certificate_id)
        if found is None or not self.may_see(found[0], principal):
            raise DomainError.one(CertCode.NOT_FOUND, "证照不存在", "id")
        return found[0]

    @staticmethod
    def may_see(cert: Certificate, principal: Principal) -> bool:
        """The full record: the holder, supervisors, bureau and window staff of its centre."""
        return dcert.in_scope(cert, principal)

    def _update(
        self,
        certificate_id: str,
        principal: Principal,
        change: Callable[[Certificate], Certificate],
        action: str,
        reason: Callable[[Certificate], str],
        push: PushAction | None = None,
        remember: tuple[str, str, str, str] | None = None,
    ) -> Certificate:
        """Change the record and append the event to the case's trail (and push the result to the
        supervising department when the change affects the certificate's validity; and remember
        the idempotency key `remember` = (caller, operation, key, fingerprint)), in one transaction."""
        found = self.certificates.get(certificate_id)  # once: the scope check and the revision
        if found is None or not self.may_see(found[0], principal):
            raise DomainError.one(CertCode.NOT_FOUND, "证照不存在", "id")
        cert, rev = found
        updated = change(cert)
        case_found = self.applications.applications.get(cert.application_id)
        assert case_found is not None, "a certificate always belongs to a case"
        case, case_rev = case_found
        now = clock.utc_now()
        # The trail, and the 容缺后补 revocation review a revocation or withdrawal in effect closes.
        transition = dcert.record_change(case, cert, updated, principal, now, action, reason(updated))
        uow = UnitOfWork()
        self.certificates.stage_update(uow, updated, rev)
        self.applications.applications.stage_change(
            uow, case, transition.case, case_rev, transition.event, da.china_date(now)
        )
        pushes: list[Message] = []
        if push is not None:
            pushes.append(result_push(updated, push, supervising_department(updated, case), transition.event.at))
        self._stage_pushes(uow, pushes)
        if remember is not None:
            caller, operation, key, fingerprint = remember
            self.idempotency.remember(uow, caller, operation, key, {"target": fingerprint, "id": updated.id})
        uow.commit()
        self.relay.deliver_soon(pushes)
        return updated

    def deliver(self, principal: Principal, certificate_id: str, method: DeliveryMethod, tracking: str) -> Certificate:
        if not principal.has_any(Role.BUREAU, Role.CLERK) or principal.subject is None:
            raise DomainError.one(CertCode.FORBIDDEN, "只有窗口或制证人员可以登记送达")
        who = principal.subject
        return self._update(
            certificate_id,
            principal,
            lambda c: _delivered(c, method, tracking, principal, who),
            "deliver_certificate",
            lambda c: (
                f"证照{c.number}{'邮寄送达,单号' + c.delivery_tracking if c.delivery is DeliveryMethod.MAIL else '窗口领取'}"
            ),
        )

    def revoke(self, principal: Principal, certificate_id: str, reason: str) -> Certificate:
        if not principal.has_any(Role.BUREAU, Role.SUPERVISOR) or principal.subject is None:
            raise DomainError.one(CertCode.FORBIDDEN, "只有审批局或监察人员可以吊销证照")
        who = principal.subject
        return self._update(
            certificate_id,
            principal,
            lambda c: dcert.revoke(c, reason, clock.utc_now(), who),
            "revoke_certificate",
            lambda c: f"吊销证照{c.number}:{c.status_reason}",
            push=PushAction.REVOKED,
        )

    def change_status(
        self,
        principal: Principal,
        certificate_id: str,
        target: CertificateStatus,
        reason: str,
        effective_on: date | None = None,
        idempotency_key: str | None = None,
    ) -> Certificate:
        """One transition of the status model (`dcert.TRANSITIONS`), effective today or on a later
        day (then pending until the sweep applies it), in the case's audit trail; a revocation or
        withdrawal is pushed to the supervising department. A retry with the same idempotency key
        returns the record without changing it again; a refusal writes nothing."""
        if principal.subject is None:
            raise DomainError.one(CertCode.FORBIDDEN, "请先登录")
        who = principal.subject
        fingerprint = f"{certificate_id}:{target.value}"
        if idempotency_key:
            if len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
                raise DomainError.one(
                    CertCode.IDEMPOTENCY_KEY_TOO_LONG, f"幂等键不能超过{MAX_IDEMPOTENCY_KEY}个字符", "idempotencyKey"
                )
            earlier = self.idempotency.remembered(who, STATUS_CHANGE, idempotency_key)
            if earlier is not None:
                if earlier.get("target") != fingerprint:
                    raise DomainError.one(
                        CertCode.IDEMPOTENCY_KEY_REUSED, "该幂等键已用于另一请求,请换用新的幂等键", "idempotencyKey"
                    )
                return self._load(certificate_id, principal)
        today = da.china_date(clock.utc_now())
        day = effective_on or today
        label = dcert.STATUS_LABELS[target]
        push = PushAction.REVOKED if target in {CertificateStatus.REVOKED, CertificateStatus.WITHDRAWN} else None
        remember = (who, STATUS_CHANGE, idempotency_key, fingerprint) if idempotency_key else None
        return self._update(
            certificate_id,
            principal,
            lambda c: dcert.change_status(c, target, dcert.actors(c, principal), reason, day, clock.utc_now(), who),
            "change_status_of_certificate",
            lambda c: (
                f"证照{c.number}于{day.isoformat()}起{label}:{reason.strip()}"
                if day > today
                else f"证照{c.number}{label}:{c.status_reason}"
            ),
            push=push if day == today else None,
            remember=remember,
        )

    def cancel_status_change(
        self, principal: Principal, certificate_id: str, change_id: str, reason: str
    ) -> tuple[Certificate, dcert.ClosedStatusChange]:
        """Withdraw a status change scheduled for a later day (`dcert.cancel_pending`: whoever may
        schedule it, before its day), kept on the record with who, when and why and on the case's
        trail, its due entry removed so the sweep never applies it; one transaction. A retry after
        success changes nothing and answers the same; a refusal writes nothing."""
        if principal.subject is None:
            raise DomainError.one(CertCode.FORBIDDEN, "请先登录")
        found = self.certificates.get(certificate_id)  # the scope check and the revision
        if found is None or not self.may_see(found[0], principal):
            raise dcert.change_not_found(reason)
        cert, rev = found
        now = clock.utc_now()
        updated = dcert.cancel_pending(cert, change_id, dcert.actors(cert, principal), reason, now, principal.subject)
        if updated is None:  # cancelled already: a retry
            return cert, next(c for c in cert.closed_changes if c.id == change_id)
        cancelled = updated.closed_changes[-1]
        case_found = self.applications.applications.get(cert.application_id)
        assert case_found is not None, "a certificate always belongs to a case"
        case, case_rev = case_found
        label = dcert.STATUS_LABELS[cancelled.target]
        text = f"撤回证照{cert.number}原定于{cancelled.effective_on.isoformat()}起{label}的状态变更:{cancelled.note}"
        transition = dcert.record_change(
            case, cert, updated, principal, now, "cancel_status_change_of_certificate", text
        )
        uow = UnitOfWork()
        self.certificates.stage_update(uow, updated, rev)
        self.certificates.stage_status_unscheduled(uow, cancelled.effective_on, cert.id)
        self.applications.applications.stage_change(
            uow, case, transition.case, case_rev, transition.event, da.china_date(now)
        )
        uow.commit()
        return updated, cancelled

    # --- verification ----------------------------------------------------------------------------

    def lookup(self, *, number: str | None, code: str | None, identifier: str | None = None) -> Certificate | None:
        """By verification code, number or (already validated) licence identifier."""
        if code:
            found = self.certificates.by_code(code)
        elif identifier:
            found = self.certificates.by_identifier(identifier)
        else:
            found = self.certificates.by_number(number or "")
        return found[0] if found else None

    def verify_registered(
        self, cert: Certificate, channel: dcert.VerificationChannel, caller: str, reason_for_use: str = ""
    ) -> Any:
        """A fresh verification report of the stored PDF, logged with the caller's 用证事由."""
        pdf = self.blobs.get(cert.blob_key)
        report = self.verify(pdf if pdf is not None else b"", seal_authority(cert))
        _count_verification(channel, report)
        # The report's digest is this file's (verify_pdf hashes every file it reads): not hashed twice.
        matches = pdf is not None and (report.file_sha256 or hashlib.sha256(pdf).hexdigest()) == cert.sha256
        self._log(cert, channel, caller, report, matches, reason_for_use)
        return report

    def verify_upload(
        self, pdf: bytes, channel: dcert.VerificationChannel, caller: str, reason_for_use: str = ""
    ) -> UploadCheck:
        """Seal valid, document identical to the registered one, status current: each told apart."""
        if len(pdf) > MAX_PDF_BYTES:
            raise DomainError.one(CertCode.PDF_TOO_LARGE, f"文件不能超过{MAX_PDF_BYTES // 1048576} MiB", "pdf")
        digest = hashlib.sha256(pdf).hexdigest()
        found = self.certificates.by_sha256(digest)
        cert = found[0] if found else None
        # The registered copy pins its issuing bureau's seal; an unknown file any bureau's seal.
        report = self.verify(pdf, seal_authority(cert) if cert is not None else None, sha256=digest)
        _count_verification(channel, report)
        status = cert.current_status(da.china_date(clock.utc_now())) if cert else None
        if cert is not None:
            self._log(cert, channel, caller, report, True, reason_for_use)
        return UploadCheck(report, cert, cert is not None, status)

    def _log(
        self,
        cert: Certificate,
        channel: dcert.VerificationChannel,
        caller: str,
        report: Any,
        matches: bool,
        reason_for_use: str = "",
    ) -> None:
        entry = VerificationLogEntry(
            at=clock.utc_now().isoformat(timespec="seconds"),
            channel=channel.value,
            indication=str(report.indication.value),
            registry_match=matches,
            status=cert.current_status(da.china_date(clock.utc_now())).value,
            caller=caller,
            reason_for_use=reason_for_use,
        )
        try:
            self.certificates.log_verification(cert.id, entry)
        except Exception:  # the answer matters more than its log line
            log.exception("verification log write failed for %s", cert.id)


def _count_verification(channel: dcert.VerificationChannel, report: Any) -> None:
    """Verification results per channel (our fixed channel names) and indication (metrics)."""
    observability.emit({"channel": channel.value, "indication": str(report.indication.value)}, {"Verifications": 1})


def _renews(case: da.Application) -> str | None:
    """The licence a renewal case continues (延续), if it is one."""
    return case.renewal.certificate_id if case.renewal is not None else None


def _with_file(cert: Certificate, pdf: bytes, key: str) -> Certificate:
    return replace(cert, sha256=hashlib.sha256(pdf).hexdigest(), blob_key=key, size=len(pdf))


def _delivered(cert: Certificate, method: DeliveryMethod, tracking: str, principal: Principal, who: str) -> Certificate:
    dcert.check_delivery_window(cert, method, principal)
    return dcert.deliver(cert, method, tracking, clock.utc_now(), who)


def _with_licence_metadata(
    cert: Certificate,
    department: Department,
    sequence: int,
    supersedes: Certificate | None,
    renewal: da.RenewalOf | None = None,
) -> Certificate:
    """GB/T 36904 identifier and GB/T 36903 metadata, from the issuing bureau's record read with
    the counter (no extra request). A correction of a licence with an identifier from the same
    bureau and type keeps its serial and takes the next version (变更); the new record names the
    identifier it replaces either way. A renewal (延续) names the licence it renews and is valid
    from the day after that one's last valid day."""
    if not dli.valid_issuer_code(department.credit_code):
        raise DomainError.one(
            CertCode.ISSUER_CODE_MISSING, "发证机关未登记有效的统一社会信用代码,不能生成电子证照标识,请联系管理员"
        )
    identifier = dli.new_identifier(cert.type_code, department.credit_code, cert.issued_on.year, sequence)
    if supersedes is not None and supersedes.identifier:
        try:
            previous = dli.parse(supersedes.identifier)
        except dli.IdentifierError:
            previous = None
        if (
            previous is not None
            and previous.version < 999
            and (previous.type_code, previous.issuer_code)
            == (
                identifier.type_code,
                identifier.issuer_code,
            )
        ):
            identifier = previous.next_version()
    return replace(
        cert,
        identifier=str(identifier),
        previous_identifier=(supersedes.identifier or None)
        if supersedes is not None
        else (renewal.certificate_identifier or None)
        if renewal is not None
        else None,
        holder_code_type=dcert.holder_code_type(cert.holder_identifier),
        issuer_code=department.credit_code,
        jurisdiction_code=department.division_code,
        valid_from=cert.valid_from or cert.issued_on,
    )


def apply_due_status_changes(
    certificates: CertificateRepository, applications: ApplicationRepository, now: datetime, budget: Budget = UNLIMITED
) -> int:
    """The sweep: scheduled status changes whose day has come, each in one transaction with its
    event in the case's audit trail; handled due entries are removed (also those a later change
    made moot). Returns how many changed a status."""
    applied = 0
    for sort_key, certificate_id in certificates.status_changes_due(da.china_date(now)):
        if budget.exhausted():
            log.warning("certificate status changes stopped before the timeout after %d: the rest next run", applied)
            break
        found = certificates.get(certificate_id)
        changed = dcert.apply_pending(found[0], now) if found is not None else None
        uow = UnitOfWork()
        certificates.stage_status_done(uow, sort_key)
        moved = found is not None and changed is not None and changed.status is not found[0].status
        if found is not None and changed is not None:
            certificates.stage_update(uow, changed, found[1])
            case_found = applications.get(changed.application_id) if moved else None
            if case_found is not None:
                case, case_rev = case_found
                label = dcert.STATUS_LABELS[changed.status]
                reason = f"证照{changed.number}{label}(按期生效):{changed.status_reason}"
                # The same rule as a change effective at once (the review closes on a revocation).
                transition = dcert.record_change(
                    case, found[0], changed, SWEEP_PRINCIPAL, now, "change_status_of_certificate", reason
                )
                applications.stage_change(uow, case, transition.case, case_rev, transition.event, da.china_date(now))
                if changed.status in {CertificateStatus.REVOKED, CertificateStatus.WITHDRAWN}:  # 审管联动, seed 002
                    at = now.isoformat(timespec="seconds")
                    push = result_push(changed, PushAction.REVOKED, supervising_department(changed, case), at)
                    OutboxRepository().stage(uow, push)  # delivered by the run's outbox phase
        try:
            uow.commit()
        except DomainError:
            continue  # changed meanwhile: the next run looks again
        applied += 1 if moved else 0
    return applied
