"""GraphQL types of certificates and their verification.

`Certificate` is the full registry record (holder and staff only). `PublicCertificate` is what
anyone verifying a certificate sees: holder data masked. `VerificationReport` mirrors the
`signing` package's report, with the complete report as JSON as well.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from chalicelib.api.permissions import AUTHENTICATED, PUBLIC, STAFF, field, visible_to
from chalicelib.api.relay import Connection, global_id, page_size, to_connection
from chalicelib.domain import certificate as dcert
from chalicelib.domain.application import china_date
from chalicelib.services import clock
from chalicelib.services.certificates import public_base_url

CertificateStatus = strawberry.enum(dcert.CertificateStatus, name="CertificateStatus")
DeliveryMethod = strawberry.enum(dcert.DeliveryMethod, name="DeliveryMethod")


@visible_to(PUBLIC)
@strawberry.type
class Finding:
    code: str
    severity: str
    zh: str
    en: str
    detail: str | None


@visible_to(PUBLIC)
@strawberry.type(description="Result of verifying the seal of a PDF (ETSI-style indication).")
class VerificationReport:
    indication: str = strawberry.field(description="PASSED, INDETERMINATE or FAILED.")
    sub_indication: str | None
    pades_level: str | None
    intact: bool | None
    signature_valid: bool | None
    modification_level: str | None
    revisions_after_signing: int | None
    signer: str | None
    certificate_fingerprint: str | None
    chains_to_trust_anchor: bool
    signing_time: str | None
    timestamp_time: str | None
    findings: list[Finding]
    full: JSON = strawberry.field(description="The complete report (integrity, identity, time, findings).")

    @classmethod
    def from_report(cls, r: Any) -> VerificationReport:
        return cls(
            indication=r.indication.value,
            sub_indication=r.sub_indication,
            pades_level=r.pades_level,
            intact=r.integrity.intact,
            signature_valid=r.integrity.signature_valid,
            modification_level=r.integrity.modification_level,
            revisions_after_signing=r.integrity.revisions_after_signing,
            signer=r.identity.subject,
            certificate_fingerprint=r.identity.sha256_fingerprint,
            chains_to_trust_anchor=r.identity.chains_to_trust_anchor,
            signing_time=r.timing.claimed_signing_time,
            timestamp_time=r.timing.timestamp_time,
            findings=[
                Finding(code=f.code, severity=f.severity.value, zh=f.zh, en=f.en, detail=f.detail) for f in r.findings
            ],
            full=r.to_dict(),
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

    @classmethod
    def from_domain(cls, c: dcert.Certificate) -> PublicCertificate:
        return cls(
            number=c.number,
            type_name=c.type_name,
            holder_name=dcert.mask_name(c.holder_name),
            holder_identifier=dcert.mask_identifier(c.holder_identifier),
            authority_name=c.authority_name,
            item_name=c.item_name,
            issued_on=c.issued_on,
            valid_until=c.valid_until,
            status=c.current_status(china_date(clock.utc_now())),
            status_reason=c.status_reason,
        )


@visible_to(AUTHENTICATED)
@strawberry.type
class Delivery:
    method: DeliveryMethod  # type: ignore[valid-type]
    tracking_number: str
    delivered_at: str | None


@visible_to(STAFF)
@strawberry.type
class VerificationLogEntry:
    at: str
    channel: str
    indication: str
    registry_match: bool
    status: str


@visible_to(AUTHENTICATED)
@strawberry.type(description="电子证照: the registry record of an issued certificate (holder and staff).")
class Certificate(relay.Node):
    certificate_id: relay.NodeID[str]
    number: str
    verification_code: str
    type_code: str
    type_name: str
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
    issued_at: str
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

    @field(access=AUTHENTICATED)
    def superseded_by_id(self) -> strawberry.ID | None:
        return global_id("Certificate", self.domain.superseded_by) if self.domain.superseded_by else None

    @field(access=AUTHENTICATED, description="The public verification page the QR code points to.")
    def verification_url(self) -> str:
        return f"{public_base_url()}/v/{self.domain.verification_code}"

    @field(access=AUTHENTICATED, description="The sealed PDF, base64 (holder and staff).")
    def pdf_base64(self, info: Info) -> str | None:
        pdf = info.context.blobs.get(self.domain.blob_key)
        return base64.b64encode(pdf).decode("ascii") if pdf is not None else None

    @field(access=STAFF, description="Every verification of this certificate, newest first.")
    def verifications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[VerificationLogEntry]:
        page = info.context.certificate_repository.verifications(self.domain.id, page_size(first), after)
        return to_connection(
            page,
            lambda e: VerificationLogEntry(
                at=e.at, channel=e.channel, indication=e.indication, registry_match=e.registry_match, status=e.status
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
