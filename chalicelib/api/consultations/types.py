"""GraphQL type of a consultation (咨询): staff only (it carries the person's identifier)."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import STAFF, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import consultation as dc


@visible_to(STAFF)
@strawberry.type(description="咨询 (seed 004 首问负责制): who asked about what, answered or referred to which window.")
class Consultation:
    id: strawberry.ID
    person_name: str
    person_identifier: str
    topic: str
    answer: str
    referred_to_window_post_id: strawberry.ID | None
    referred_to_window_name: str
    recorded_by: str
    at: DateTime

    @classmethod
    def from_domain(cls, c: dc.Consultation) -> Consultation:
        referred = global_id("WindowPost", f"{c.centre_id}/{c.referred_post_id}") if c.referred_post_id else None
        return cls(
            id=global_id("Consultation", c.id),
            person_name=c.person_name,
            person_identifier=c.person_identifier,
            topic=c.topic,
            answer=c.answer,
            referred_to_window_post_id=referred,
            referred_to_window_name=c.referred_post_name,
            recorded_by=c.recorded_by,
            at=c.at,
        )
