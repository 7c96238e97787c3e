"""Inspection use cases (事中事后监管, seed 002 (九)(十一)): record an inspection, list them.

Recording is one transaction: the inspection (create-only), for a serious violation the holder's
credit record (一处违法、处处受限: later deficiency acceptance is refused), the copy of the outcome
to the issuing bureau (监管结果抄告, an outbox message) and the idempotency key. Either all of it
is stored or none; the relay delivers the copy right after the commit.
"""

from __future__ import annotations

import secrets
from datetime import date

from chalicelib.domain import credit as dcr
from chalicelib.domain import inspection as din
from chalicelib.domain.application import china_date
from chalicelib.domain.certificate import Certificate
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.inspection import Inspection, InspectionCode, InspectionOutcome
from chalicelib.domain.notification import Message
from chalicelib.services import clock
from chalicelib.services.outbox import Relay
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.identity_repository import IdentityRepository
from chalicelib.storage.inspection_repository import InspectionRepository, key_of
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

OPERATION = "inspectionRecord"
MAX_KEY = 100
KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
FORBIDDEN = "FORBIDDEN"


class InspectionService:
    def __init__(
        self,
        certificates: CertificateRepository,
        applications: ApplicationRepository,
        catalogue: CatalogueRepository,
        relay: Relay | None = None,
    ) -> None:
        self.certificates = certificates
        self.applications = applications
        self.catalogue = catalogue
        self.inspections = InspectionRepository()
        self.outbox = OutboxRepository()
        self.idempotency = IdempotencyRepository()
        self._relay = relay

    @property
    def relay(self) -> Relay:
        if self._relay is None:
            self._relay = Relay()
        return self._relay

    def departments(self, cert: Certificate) -> tuple[str, str]:
        """(supervising, issuing) departments: recorded on the certificate; derived for records
        issued before they were (the case's item version, the issuer's staff record)."""
        supervising, issuer = cert.supervising_department_id, cert.issuer_department_id
        if not supervising:
            found = self.applications.get(cert.application_id)
            supervising = found[0].item.elements.effective_supervising_department_id if found else ""
        if not issuer:
            staff = self.catalogue.get_staff(cert.issued_by)
            issuer = staff.department_id if staff else ""
        return supervising, issuer

    def _certificate(self, certificate_id: str) -> Certificate:
        found = self.certificates.get(certificate_id)
        if found is None:
            raise DomainError.one(InspectionCode.NOT_FOUND, "证照不存在", "certificateId")
        return found[0]

    # --- commands --------------------------------------------------------------------------------

    def record(
        self,
        principal: Principal,
        certificate_id: str,
        inspected_on: date,
        outcome: InspectionOutcome,
        findings: str,
        idempotency_key: str | None = None,
    ) -> Inspection:
        earlier = self._remembered(principal, idempotency_key, certificate_id)
        if earlier is not None:
            return earlier
        cert = self._certificate(certificate_id)
        supervising, issuer = self.departments(cert)
        now = clock.utc_now()
        inspection = din.record(
            secrets.token_hex(8), cert, supervising, issuer, principal, inspected_on, outcome, findings, now
        )
        uow = UnitOfWork()
        self.inspections.stage(uow, inspection)
        if inspection.limits_holder:
            detail = din.credit_detail(inspection)
            # A serious record of the holder's verified identity: on the 失信名单 of the centre.
            serious = dcr.new_record(
                cert.holder_identifier,
                dcr.Severity.SERIOUS,
                cert.id,
                cert.centre_id,
                detail,
                inspection.recorded_at,
                china_date(now),
                cert.holder_name,
            )
            IdentityRepository().stage_credit(uow, serious)
        messages: list[Message] = [din.copy_back(inspection)] if issuer else []
        for message in messages:
            self.outbox.stage(uow, message)
        if idempotency_key and principal.subject:
            pk, sk = key_of(inspection)
            result = {"target": certificate_id, "pk": pk, "sk": sk}
            self.idempotency.remember(uow, principal.subject, OPERATION, idempotency_key, result)
        try:
            uow.commit()
        except DomainError as error:
            if idempotency_key and error.violations[0].code == CONFLICT:
                again = self._remembered(principal, idempotency_key, certificate_id)
                if again is not None:  # a concurrent retry with the same key won
                    return again
            raise
        self.relay.deliver_soon(messages)
        return inspection

    def _remembered(self, principal: Principal, key: str | None, certificate_id: str) -> Inspection | None:
        """The first result of a retried call; the same key for another certificate is refused."""
        if not key or principal.subject is None:
            return None
        if len(key) > MAX_KEY:
            raise DomainError.one(InspectionCode.OUT_OF_RANGE, f"幂等键不能超过{MAX_KEY}个字符", "idempotencyKey")
        earlier = self.idempotency.remembered(principal.subject, OPERATION, key)
        if earlier is None:
            return None
        if earlier.get("target") != certificate_id:
            raise DomainError.one(KEY_REUSED, "该幂等键已用于另一请求,请换用新的幂等键", "idempotencyKey")
        return self.inspections.get(str(earlier["pk"]), str(earlier["sk"]))

    # --- queries ---------------------------------------------------------------------------------

    def of_certificate(
        self, principal: Principal, certificate_id: str, first: int, after: str | None
    ) -> Page[Inspection]:
        """For the supervising department, the issuing bureau and supervisors; to anyone else the
        certificate does not exist."""
        cert = self._certificate(certificate_id)
        supervising, issuer = self.departments(cert)
        if not din.may_read(principal, supervising, issuer):
            raise DomainError.one(InspectionCode.NOT_FOUND, "证照不存在", "certificateId")
        return self.inspections.of_certificate(cert.id, first, after)

    def of_department(
        self, principal: Principal, department_id: str, first: int, after: str | None
    ) -> Page[Inspection]:
        """A supervising department's own inspections (its staff), or any department's (supervisors)."""
        if not (
            principal.has_any(Role.SUPERVISOR) or (principal.is_staff and principal.department_id == department_id)
        ):
            raise DomainError.one(FORBIDDEN, "只能查看本部门的检查记录", "departmentId")
        return self.inspections.of_department(department_id, first, after)
