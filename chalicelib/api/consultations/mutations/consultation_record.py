"""consultationRecord: staff record a consultation (answered, or referred to a window); a later
application by the same person at the centre links it as its first contact (seed 004 首问负责制)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.consultations.errors import ConsultationError, catch
from chalicelib.api.consultations.types import Consultation
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.window_authority.types import decode_post
from chalicelib.domain import consultation as dc


@strawberry.input(description="Exactly one of answer and referredToWindowPostId.")
class ConsultationRecordInput:
    person_name: str
    person_identifier: str
    topic: str
    answer: str = ""
    referred_to_window_post_id: strawberry.ID | None = None


@visible_to(AUTHENTICATED)
@strawberry.type
class ConsultationRecordPayload:
    consultation: Consultation | None
    user_errors: list[ConsultationError]


def consultation_record(info: Info, input: ConsultationRecordInput) -> ConsultationRecordPayload:
    ctx = info.context

    def action() -> dc.Consultation:
        post = (
            decode_post(input.referred_to_window_post_id, "referredToWindowPostId")
            if input.referred_to_window_post_id
            else None
        )
        return ctx.consultations.record(
            ctx.principal, input.person_name, input.person_identifier, input.topic, input.answer, post
        )

    result, errors = catch(action)
    return ConsultationRecordPayload(
        consultation=Consultation.from_domain(result) if result else None, user_errors=errors
    )
