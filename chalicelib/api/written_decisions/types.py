"""GraphQL types of written decisions (一次性告知书, 不予受理决定书, 不予许可决定书).

`WrittenDecisionDocument` is the applicant's document (the case's applicant and staff who may see
the case reach it, through `writtenDecisions` / `writtenDecision`); `PublicWrittenDecision` is what
anyone verifying a file sees: no applicant data, no text.
"""

from __future__ import annotations

import base64
from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.certificates.types import VerificationReport
from chalicelib.api.permissions import AUTHENTICATED, PUBLIC, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import written_decision as wd

WrittenDecisionKind = strawberry.enum(
    wd.DecisionKind,
    name="WrittenDecisionKind",
    description="一次性告知书 (ONE_TIME_NOTICE), 不予受理决定书 (INTAKE_REFUSAL), 不予许可决定书 (REFUSAL_DECISION).",
)
WrittenDecisionStatus = strawberry.enum(
    wd.DocumentStatus,
    name="WrittenDecisionStatus",
    description="PENDING: owed and recorded with its event, the sealed PDF not yet stored; SEALED: stored.",
)


@visible_to(AUTHENTICATED)
@strawberry.type(description="A written decision owed to the applicant, sealed with the deciding centre's bureau seal.")
class WrittenDecisionDocument(relay.Node):
    document_id: relay.NodeID[str]
    kind: WrittenDecisionKind  # type: ignore[valid-type]
    status: WrittenDecisionStatus  # type: ignore[valid-type]
    number: str = strawberry.field(description="文号")
    title: str
    paragraphs: list[str]
    issuer: str = strawberry.field(description="The deciding centre as printed (empty while PENDING).")
    authority_name: str = strawberry.field(description="The bureau whose seal it carries (empty while PENDING).")
    issued_on: date
    sha256: str = strawberry.field(description="SHA-256 of the sealed PDF (empty while PENDING).")
    size: int
    sealed_at: DateTime | None
    domain: strawberry.Private[wd.WrittenDecisionDocument]

    @classmethod
    def from_domain(cls, d: wd.WrittenDecisionDocument) -> WrittenDecisionDocument:
        return cls(
            document_id=d.id,
            kind=d.kind,
            status=d.status,
            number=d.number,
            title=d.title,
            paragraphs=list(d.paragraphs),
            issuer=d.issuer,
            authority_name=d.authority_name,
            issued_on=d.issued_on,
            sha256=d.sha256,
            size=d.size,
            sealed_at=d.sealed_at,
            domain=d,
        )

    @field(access=AUTHENTICATED, description="The case the decision was made on.")
    def application_id(self) -> strawberry.ID:
        return global_id("Application", self.domain.application_id)

    @field(access=AUTHENTICATED, description="The sealed PDF, base64 (null while PENDING).")
    def pdf_base64(self, info: Info) -> str | None:
        pdf = info.context.written_decisions.read_pdf(self.domain)
        return base64.b64encode(pdf).decode("ascii") if pdf is not None else None


@visible_to(PUBLIC)
@strawberry.type(description="What anyone verifying a written decision sees: no applicant data.")
class PublicWrittenDecision:
    kind: WrittenDecisionKind  # type: ignore[valid-type]
    number: str
    title: str
    issuer: str
    authority_name: str
    issued_on: date

    @classmethod
    def from_domain(cls, d: wd.WrittenDecisionDocument) -> PublicWrittenDecision:
        return cls(
            kind=d.kind,
            number=d.number,
            title=d.title,
            issuer=d.issuer,
            authority_name=d.authority_name,
            issued_on=d.issued_on,
        )


@visible_to(PUBLIC)
@strawberry.type(description="An uploaded written decision checked two ways: the seal (pinned), the registry.")
class WrittenDecisionVerification:
    valid: bool = strawberry.field(description="Seal PASSED under the sealing bureau's registered seal and registered.")
    seal_valid: bool
    registry_match: bool = strawberry.field(description="The file is byte-identical to a registered written decision.")
    document: PublicWrittenDecision | None
    report: VerificationReport
