"""GraphQL types of refusals at intake (不予受理) and their written decision.

Reached only through an `Application` the caller may see; the unit leader's identity is shown
to staff only.
"""

from __future__ import annotations

import base64
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import AUTHENTICATED, STAFF, field, visible_to
from chalicelib.api.scalars import DateTime
from chalicelib.api.written_decisions.types import WrittenDecisionDocument
from chalicelib.domain import application as da
from chalicelib.domain import intake_refusal as ir
from chalicelib.domain import written_decision as wd

RefusalGround = strawberry.enum(ir.RefusalGround, name="IntakeRefusalGround")
RefusalStatus = strawberry.enum(ir.RefusalStatus, name="IntakeRefusalStatus")


@visible_to(AUTHENTICATED)
@strawberry.type(description="不予受理决定书 (or, after an objection, the leader's confirmation) in writing.")
class WrittenDecision:
    title: str
    number: str
    paragraphs: list[str]
    issuer: str
    issued_on: date
    sealed: strawberry.Private[wd.WrittenDecisionDocument | None]

    @field(
        access=AUTHENTICATED,
        description="The sealed, stored document (null only if the refusal predates sealed written decisions).",
    )
    def document(self) -> WrittenDecisionDocument | None:
        return WrittenDecisionDocument.from_domain(self.sealed) if self.sealed is not None else None

    @field(
        access=AUTHENTICATED,
        description="The decision as an A4 PDF (base64): the sealed stored copy, null while it is being produced.",
        deprecation_reason="Use `document { pdfBase64 status sha256 }`: the sealed stored copy with its status.",
    )
    def pdf_base64(self, info: Info) -> str | None:
        pdf = info.context.written_decisions.read_pdf(self.sealed) if self.sealed is not None else None
        return base64.b64encode(pdf).decode() if pdf is not None else None


@visible_to(AUTHENTICATED)
@strawberry.type(description="不予受理 at the window (行政许可法 art. 32, 38; seed 004 否认报备).")
class IntakeRefusal:
    ground: RefusalGround  # type: ignore[valid-type]
    reason: str
    legal_basis: str
    competent_agency: str
    refused_at: DateTime
    objection_due_on: date
    status: RefusalStatus  # type: ignore[valid-type]
    objection: str
    objected_at: DateTime | None
    leader_note: str
    resolved_at: DateTime | None
    refusal: strawberry.Private[ir.IntakeRefusal]
    case: strawberry.Private[da.Application]

    @field(access=STAFF, description="The clerk who refused (staff only).")
    def refused_by(self) -> str:
        return self.refusal.refused_by

    @field(access=STAFF, description="The unit leader who ruled on the objection (staff only).")
    def leader_id(self) -> str | None:
        return self.refusal.leader_id

    @field(access=AUTHENTICATED, description="What the applicant receives in writing.")
    def written_decision(self, info: Info) -> WrittenDecision:
        case = self.case
        centre = info.context.centres.get(case.centre_id)
        decision = ir.written_decision(
            self.refusal,
            tracking_code=case.tracking_code,
            applicant_name=case.applicant.name,
            item_name=case.item.elements.name,
            centre_name=centre.name if centre else case.centre_id,
            submitted_on=case.submitted_on,
            refused_on=_day(self.refusal.refused_at),
            resolved_on=_day(self.refusal.resolved_at) if self.refusal.resolved_at else None,
        )
        # The sealed document this refusal's event owed (domain/written_decision.py): its text is
        # what the applicant holds, so it is shown once it exists.
        at = self.refusal.resolved_at if self.refusal.status is ir.RefusalStatus.CONFIRMED else self.refusal.refused_at
        sealed = info.context.written_decisions.read_owed(case.id, wd.DecisionKind.INTAKE_REFUSAL, at)
        if sealed is not None:
            return WrittenDecision(
                title=sealed.title,
                number=sealed.number,
                paragraphs=list(sealed.paragraphs),
                issuer=sealed.issuer or decision.issuer,
                issued_on=sealed.issued_on,
                sealed=sealed,
            )
        return WrittenDecision(
            title=decision.title,
            number=decision.number,
            paragraphs=list(decision.paragraphs),
            issuer=decision.issuer,
            issued_on=decision.issued_on,
            sealed=None,
        )

    @classmethod
    def of_case(cls, case: da.Application) -> list[IntakeRefusal]:
        return [
            cls(
                ground=r.ground,
                reason=r.reason,
                legal_basis=r.legal_basis,
                competent_agency=r.competent_agency,
                refused_at=r.refused_at,
                objection_due_on=r.objection_due_on,
                status=r.status,
                objection=r.objection,
                objected_at=r.objected_at,
                leader_note=r.leader_note,
                resolved_at=r.resolved_at,
                refusal=r,
                case=case,
            )
            for r in case.intake_refusals
        ]


def _day(at: str) -> date:
    return da.china_date(datetime.fromisoformat(at))
