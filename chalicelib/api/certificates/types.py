"""GraphQL types of certificates and their verification.

`Certificate` is the full registry record (holder and staff only). `PublicCertificate` is what
anyone verifying a certificate sees: holder data masked. `VerificationReport` mirrors the
`signing` package's report, with the complete report as JSON as well.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.certificates.lookup_types import CertificateLookup, VerificationChannel
from chalicelib.api.errors import FORBIDDEN, ApiError
from chalicelib.api.permissions import AUTHENTICATED, PUBLIC, STAFF, field, visible_to
from chalicelib.api.relay import Connection, global_id, page_size, to_connection
from chalicelib.api.scalars import DateTime
from chalicelib.domain import certificate as dcert
from chalicelib.domain.application import STAFF_LABEL, china_date
from chalicelib.domain.offline_kit import mask_caller
from chalicelib.services import clock
from chalicelib.services.certificates import public_base_url
from signing import report
from signing import vocabulary as vocab

if TYPE_CHECKING:
    from chalicelib.api.applications.types import Application

CertificateStatus = strawberry.enum(dcert.CertificateStatus, name="CertificateStatus")
DeliveryMethod = strawberry.enum(dcert.DeliveryMethod, name="DeliveryMethod")
Indication = strawberry.enum(
    report.Indication, name="VerificationIndication", description="ETSI EN 319 102-1 main indication."
)
SubIndication = strawberry.enum(vocab.SubIndication, name="VerificationSubIndication")
PadesLevel = strawberry.enum(vocab.PadesLevel, name="PadesLevel", description="PAdES baseline level reached.")
ModificationLevel = strawberry.enum(vocab.ModificationLevel, name="ModificationLevel")
SignatureCoverage = strawberry.enum(vocab.Coverage, name="SignatureCoverage")
DocMdpPermission = strawberry.enum(vocab.DocMdpPermission, name="DocMdpPermission")
FindingSeverity = strawberry.enum(report.Severity, name="FindingSeverity")


def _opt(kind: Any, value: str | None) -> Any:
    """A stored vocabulary value as its enum member (None stays None)."""
    return None if value is None else kind(value)


@visible_to(PUBLIC)
@strawberry.type
class Finding:
    code: str
    severity: FindingSeverity  # type: ignore[valid-type]
    zh: str
    en: str
    detail: str | None


@visible_to(PUBLIC)
@strawberry.type(description="Was the sealed content left alone?")
class SealIntegrity:
    intact: bool | None
    signature_valid: bool | None
    coverage: SignatureCoverage | None  # type: ignore[valid-type]
    modification_level: ModificationLevel | None  # type: ignore[valid-type]
    revisions_after_signing: int | None
    docmdp_permission: DocMdpPermission | None  # type: ignore[valid-type]
    docmdp_ok: bool | None


@visible_to(PUBLIC)
@strawberry.type(description="Who sealed, and is the seal certificate trusted?")
class SealIdentity:
    subject: str | None
    issuer: str | None
    serial_number: str | None
    sha256_fingerprint: str | None
    chains_to_trust_anchor: bool
    trust_anchor: str | None
    not_before: DateTime | None
    not_after: DateTime | None
    valid_at_signing_time: bool | None
    matches_expected_signer: bool | None


@visible_to(PUBLIC)
@strawberry.type(description="When it was sealed: claimed by the signer, proven by a time-stamp.")
class SealTiming:
    claimed_signing_time: DateTime | None
    timestamp_time: DateTime | None
    timestamp_authority: str | None
    timestamp_valid: bool | None


@visible_to(PUBLIC)
@strawberry.type(
    description="Is the signer the issuing authority's registered seal (seal registry, seed 003 二(七))? "
    "A seal certified by the trusted CA but not registered to the authority is FAILED."
)
class SealRegistration:
    registered: bool
    code: str
    authority_code: str | None
    authority_name: str | None
    legal_basis: str | None = strawberry.field(
        description="The notice that gives the authority's e-seal legal effect (configured per bureau)."
    )
    valid_from: DateTime | None
    valid_to: DateTime | None
    registry_version: int | None


@visible_to(PUBLIC)
@strawberry.type(description="Result of verifying the seal of a PDF (ETSI-style indication).")
class VerificationReport:
    indication: Indication  # type: ignore[valid-type]
    sub_indication: SubIndication | None  # type: ignore[valid-type]
    passed: bool
    pades_level: PadesLevel | None  # type: ignore[valid-type]
    field_name: str | None
    signature_count: int
    file_size: int
    file_sha256: str | None
    intact: bool | None
    signature_valid: bool | None
    modification_level: ModificationLevel | None  # type: ignore[valid-type]
    revisions_after_signing: int | None
    signer: str | None
    certificate_fingerprint: str | None
    chains_to_trust_anchor: bool
    signing_time: DateTime | None
    timestamp_time: DateTime | None
    integrity: SealIntegrity
    identity: SealIdentity
    timing: SealTiming
    findings: list[Finding]
    registration: SealRegistration | None

    @classmethod
    def from_report(cls, r: Any) -> VerificationReport:
        i, d, t = r.integrity, r.identity, r.timing
        return cls(
            indication=r.indication,
            sub_indication=_opt(SubIndication, r.sub_indication),
            passed=r.passed,
            pades_level=_opt(PadesLevel, r.pades_level),
            field_name=r.field_name,
            signature_count=r.signature_count,
            file_size=r.file_size,
            file_sha256=r.file_sha256,
            intact=i.intact,
            signature_valid=i.signature_valid,
            modification_level=_opt(ModificationLevel, i.modification_level),
            revisions_after_signing=i.revisions_after_signing,
            signer=d.subject,
            certificate_fingerprint=d.sha256_fingerprint,
            chains_to_trust_anchor=d.chains_to_trust_anchor,
            signing_time=t.claimed_signing_time,
            timestamp_time=t.timestamp_time,
            integrity=SealIntegrity(
                intact=i.intact,
                signature_valid=i.signature_valid,
                coverage=_opt(SignatureCoverage, i.coverage),
                modification_level=_opt(ModificationLevel, i.modification_level),
                revisions_after_signing=i.revisions_after_signing,
                docmdp_permission=_opt(DocMdpPermission, i.docmdp_permission),
                docmdp_ok=i.docmdp_ok,
            ),
            identity=SealIdentity(
                subject=d.subject,
                issuer=d.issuer,
                serial_number=d.serial_number,
                sha256_fingerprint=d.sha256_fingerprint,
                chains_to_trust_anchor=d.chains_to_trust_anchor,
                trust_anchor=d.trust_anchor,
                not_before=d.not_before,
                not_after=d.not_after,
                valid_at_signing_time=d.valid_at_signing_time,
                matches_expected_signer=d.matches_expected_signer,
            ),
            timing=SealTiming(
                claimed_signing_time=t.claimed_signing_time,
                timestamp_time=t.timestamp_time,
                timestamp_authority=t.timestamp_authority,
                timestamp_valid=t.timestamp_valid,
            ),
            findings=[Finding(code=f.code, severity=f.severity, zh=f.zh, en=f.en, detail=f.detail) for f in r.findings],
            registration=_registration(getattr(r, "registration", None)),
        )


def _registration(g: Any) -> SealRegistration | None:
    if g is None:
        return None
    return SealRegistration(
        registered=g.registered,
        code=g.code,
        authority_code=g.authority_code,
        authority_name=g.authority_name,
        legal_basis=g.legal_basis,
        valid_from=g.valid_from,
        valid_to=g.valid_to,
        registry_version=g.registry_version,
    )


@visible_to(PUBLIC)
@strawberry.type(description="A certificate as the public sees it: holder name and identifier masked.")
class PublicCertificate:
    number: str
    type_name: str
    holder_name: str
    holder_identifier: str
    authority_name: str
    item_name: str
    issued_on: date
    valid_until: date | None
    status: CertificateStatus  # type: ignore[valid-type]
    status_reason: str
    identifier: str | None = strawberry.field(description="GB/T 36904 licence identifier (None: issued before).")
    status_label: str = strawberry.field(
        description="The status in Chinese (有效, 暂扣, 撤销, 注销, 失效, 转出, 吊销)."
    )

    @classmethod
    def from_domain(cls, c: dcert.Certificate) -> PublicCertificate:
        status = c.current_status(china_date(clock.utc_now()))
        return cls(
            identifier=c.identifier or None,
            status_label=dcert.STATUS_LABELS[status],
            number=c.number,
            type_name=c.type_name,
            holder_name=dcert.mask_name(c.holder_name),
            holder_identifier=dcert.mask_identifier(c.holder_identifier),
            authority_name=c.authority_name,
            item_name=c.item_name,
            issued_on=c.issued_on,
            valid_until=c.valid_until,
            status=status,
            status_reason=c.status_reason,
        )


@visible_to(AUTHENTICATED)
@strawberry.type(description="GB/T 36903 licence metadata, as the registry carries it (holder and staff).")
class LicenceMetadata:
    licence_name: str
    licence_type: str
    licence_type_code: str
    licence_number: str
    identifier: str | None
    holder: str
    holder_code: str
    holder_code_type: str = strawberry.field(description="111 resident ID, 001 unified social credit code, 999 other.")
    issuing_body: str
    issuing_body_code: str | None = strawberry.field(description="The issuing bureau's unified social credit code.")
    issue_date: date
    valid_from: date
    valid_until: date | None
    jurisdiction_code: str | None = strawberry.field(description="Administrative division code of the issuing bureau.")

    @classmethod
    def from_domain(cls, c: dcert.Certificate) -> LicenceMetadata:
        return cls(
            licence_name=c.type_name,
            licence_type=c.type_name,
            licence_type_code=c.type_code,
            licence_number=c.number,
            identifier=c.identifier or None,
            holder=c.holder_name,
            holder_code=c.holder_identifier,
            holder_code_type=c.holder_code_type or dcert.holder_code_type(c.holder_identifier),
            issuing_body=c.authority_name,
            issuing_body_code=c.issuer_code or None,
            issue_date=c.issued_on,
            valid_from=c.valid_from or c.issued_on,
            valid_until=c.valid_until,
            jurisdiction_code=c.jurisdiction_code or None,
        )


ScheduledStatusChangeOutcome = strawberry.enum(
    dcert.ScheduledOutcome,
    name="ScheduledStatusChangeOutcome",
    description="What became of a status change scheduled for a later day.",
)


def status_change_id(certificate_id: str, change_id: str) -> strawberry.ID:
    """The opaque global ID of a scheduled change: it names its certificate (one read finds it)."""
    return global_id("CertificateStatusChange", f"{certificate_id}:{change_id}")


@visible_to(AUTHENTICATED)
@strawberry.type(description="A status change decided with a later effective date; the sweep applies it then.")
class PendingStatusChange:
    id: strawberry.ID = strawberry.field(description="Pass it to certificateStatusChangeCancel to withdraw it.")
    target: CertificateStatus  # type: ignore[valid-type]
    effective_on: date
    reason: str


@visible_to(AUTHENTICATED)
@strawberry.type(
    description="A status change that was scheduled for a later day and is no longer pending: applied on its "
    "day, cancelled before it (who, when, why), or dropped because the licence's status changed first."
)
class ClosedStatusChange:
    id: strawberry.ID
    target: CertificateStatus  # type: ignore[valid-type]
    effective_on: date
    reason: str = strawberry.field(description="Why the change was decided.")
    outcome: ScheduledStatusChangeOutcome  # type: ignore[valid-type]
    closed_at: DateTime
    note: str = strawberry.field(description="Why it was cancelled (empty unless CANCELLED).")
    domain: strawberry.Private[dcert.ClosedStatusChange]

    @classmethod
    def from_domain(cls, certificate_id: str, c: dcert.ClosedStatusChange) -> ClosedStatusChange:
        return cls(
            id=status_change_id(certificate_id, c.id),
            target=c.target,
            effective_on=c.effective_on,
            reason=c.reason,
            outcome=c.outcome,
            closed_at=c.closed_at,
            note=c.note,
            domain=c,
        )

    @field(
        access=AUTHENTICATED,
        description="Who cancelled it: the account for staff; for the holder their own account or 工作人员 "
        "(null: closed by the sweep or by the status change that made it moot).",
    )
    def closed_by(self, info: Info) -> str | None:
        who = self.domain.closed_by
        principal = info.context.principal
        if who is None or principal.is_staff or who == principal.subject:
            return who
        return STAFF_LABEL


@visible_to(AUTHENTICATED)
@strawberry.type
class Delivery:
    method: DeliveryMethod  # type: ignore[valid-type]
    tracking_number: str
    delivered_at: DateTime | None


@visible_to(STAFF)
@strawberry.type
class VerificationLogEntry:
    at: DateTime
    channel: VerificationChannel  # type: ignore[valid-type]
    indication: Indication  # type: ignore[valid-type]
    registry_match: bool
    status: CertificateStatus  # type: ignore[valid-type]
    reason_for_use: str = ""


@visible_to(AUTHENTICATED)
@strawberry.type(description="电子证照: the registry record of an issued certificate (holder and staff).")
class Certificate(relay.Node):
    certificate_id: relay.NodeID[str]
    number: str
    verification_code: str
    type_code: str
    type_name: str
    type_version: int = strawberry.field(
        description="The version of the type's template it was rendered with (0: issued before templates)."
    )
    holder_name: str
    holder_identifier: str
    authority_code: str
    authority_name: str
    item_code: str
    item_name: str
    issued_on: date
    valid_until: date | None
    status: CertificateStatus  # type: ignore[valid-type]
    status_reason: str
    sha256: str
    size: int
    issued_at: DateTime
    delivery: Delivery | None
    domain: strawberry.Private[dcert.Certificate]

    @classmethod
    def from_domain(cls, c: dcert.Certificate) -> Certificate:
        return cls(
            certificate_id=c.id,
            number=c.number,
            verification_code=c.verification_code,
            type_code=c.type_code,
            type_name=c.type_name,
            type_version=c.type_version,
            holder_name=c.holder_name,
            holder_identifier=c.holder_identifier,
            authority_code=c.authority_code,
            authority_name=c.authority_name,
            item_code=c.item_code,
            item_name=c.item_name,
            issued_on=c.issued_on,
            valid_until=c.valid_until,
            status=c.current_status(china_date(clock.utc_now())),
            status_reason=c.status_reason,
            sha256=c.sha256,
            size=c.size,
            issued_at=c.issued_at,
            delivery=Delivery(method=c.delivery, tracking_number=c.delivery_tracking, delivered_at=c.delivered_at)
            if c.delivery
            else None,
            domain=c,
        )

    @field(access=AUTHENTICATED, description="The case the certificate was issued for.")
    def application_id(self) -> strawberry.ID:
        return global_id("Application", self.domain.application_id)

    @field(access=AUTHENTICATED)
    def supersedes_id(self) -> strawberry.ID | None:
        return global_id("Certificate", self.domain.supersedes) if self.domain.supersedes else None

    @field(access=AUTHENTICATED, deprecation_reason="Use replacedById (the correction that cancelled it).")
    def superseded_by_id(self) -> strawberry.ID | None:
        return global_id("Certificate", self.domain.superseded_by) if self.domain.superseded_by else None

    @field(access=AUTHENTICATED, description="The certificate a correction re-issued in place of this one.")
    def replaced_by_id(self) -> strawberry.ID | None:
        return global_id("Certificate", self.domain.superseded_by) if self.domain.superseded_by else None

    @field(access=AUTHENTICATED, description="GB/T 36904 licence identifier (None: issued before identifiers).")
    def identifier(self) -> str | None:
        return self.domain.identifier or None

    @field(access=AUTHENTICATED, description="The identifier of the licence this one replaced (correction).")
    def previous_identifier(self) -> str | None:
        return self.domain.previous_identifier

    @field(access=AUTHENTICATED, description="GB/T 36903 metadata of the licence.")
    def metadata(self) -> LicenceMetadata:
        return LicenceMetadata.from_domain(self.domain)

    @field(access=AUTHENTICATED, description="The status in Chinese (有效, 暂扣, 撤销, 注销, 失效, 转出, 吊销).")
    def status_label(self) -> str:
        return dcert.STATUS_LABELS[dcert.CertificateStatus(self.status)]

    @field(access=AUTHENTICATED, description="The China date the current status took effect.")
    def status_effective_on(self) -> date | None:
        return self.domain.status_effective_on

    @field(access=AUTHENTICATED, description="A decided change waiting for its effective date, if any.")
    def pending_status_change(self) -> PendingStatusChange | None:
        c = self.domain
        if c.pending_status is None or c.pending_effective_on is None:
            return None
        change_id = dcert.pending_change_id(c)
        assert change_id is not None
        return PendingStatusChange(
            id=status_change_id(c.id, change_id),
            target=c.pending_status,
            effective_on=c.pending_effective_on,
            reason=c.pending_reason,
        )

    @field(
        access=AUTHENTICATED,
        description="Status changes once scheduled for a later day and what became of them, oldest first: "
        "the most recent 10 (`MAX_CLOSED_CHANGES`); every one stays on the case's audit trail.",
    )
    def closed_status_changes(self) -> list[ClosedStatusChange]:
        return [ClosedStatusChange.from_domain(self.domain.id, c) for c in self.domain.closed_changes]

    @field(access=AUTHENTICATED, description="The public verification page the QR code points to.")
    def verification_url(self) -> str:
        return f"{public_base_url()}/v/{self.domain.verification_code}"

    @field(access=AUTHENTICATED, description="The sealed PDF, base64 (holder and staff).")
    def pdf_base64(self, info: Info) -> str | None:
        pdf = info.context.certificate_reads.read_pdf(self.domain.blob_key)
        return base64.b64encode(pdf).decode("ascii") if pdf is not None else None

    @field(access=AUTHENTICATED, description="延续: the licence this one renews (art. 50), if visible to the caller.")
    def previous_certificate(self, info: Info) -> Certificate | None:
        found = info.context.renewals.read_linked(self.domain.previous_certificate_id, info.context.principal)
        return Certificate.from_domain(found) if found else None

    @field(access=AUTHENTICATED, description="延续: the licence that renews this one, once issued.")
    def renewed_by(self, info: Info) -> Certificate | None:
        found = info.context.renewals.read_linked(self.domain.renewed_by, info.context.principal)
        return Certificate.from_domain(found) if found else None

    @field(access=AUTHENTICATED, description="延续: the latest renewal case of this licence, if visible to the caller.")
    def renewal(
        self, info: Info
    ) -> Annotated[Application, strawberry.lazy("chalicelib.api.applications.types")] | None:
        case = info.context.renewals.read_renewal_case(self.domain.id, info.context.principal)
        if case is None:
            return None
        from chalicelib.api.applications.types import Application as ApplicationType

        return ApplicationType.from_domain(case, china_date(clock.utc_now()), info)

    @field(access=STAFF, description="Every verification of this certificate, newest first.")
    def verifications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[VerificationLogEntry]:
        page = info.context.certificate_reads.page_verifications(self.domain.id, page_size(first), after)
        return to_connection(
            page,
            lambda e: VerificationLogEntry(
                at=e.at,
                channel=dcert.VerificationChannel(e.channel),
                indication=Indication(e.indication),
                registry_match=e.registry_match,
                status=dcert.CertificateStatus(e.status),
                reason_for_use=e.reason_for_use,
            ),
        )

    @field(
        access=AUTHENTICATED,
        description="Who looked this certificate up and why (用证事由), callers masked, newest first "
        "(the holder and staff who may see the record).",
    )
    def lookups(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[CertificateLookup]:
        if not dcert.in_scope(self.domain, info.context.principal):
            raise ApiError(FORBIDDEN, "只有持证人和有权查看该证照的工作人员可以查看查验记录", field="lookups")
        page = info.context.certificate_reads.page_verifications(self.domain.id, page_size(first), after)
        return to_connection(
            page,
            lambda e: CertificateLookup(
                at=e.at,
                channel=dcert.VerificationChannel(e.channel),
                reason_for_use=e.reason_for_use,
                caller=mask_caller(e.caller),
            ),
        )


@visible_to(PUBLIC)
@strawberry.type(description="A registered certificate with a fresh verification of its stored PDF.")
class CertificateVerification:
    certificate: PublicCertificate
    report: VerificationReport
    valid: bool = strawberry.field(description="Seal PASSED and the certificate is currently valid.")


@visible_to(PUBLIC)
@strawberry.type(description="An uploaded PDF checked three ways: seal, registry match, current status.")
class UploadVerification:
    valid: bool
    seal_valid: bool
    registry_match: bool = strawberry.field(description="The file is byte-identical to a registered certificate.")
    status: CertificateStatus | None  # type: ignore[valid-type]
    certificate: PublicCertificate | None
    report: VerificationReport
