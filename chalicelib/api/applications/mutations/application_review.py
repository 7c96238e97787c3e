"""applicationReview: A reviewing department gives its opinion (parallel review, seeds 000/002/004)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.applications.types import Opinion
from chalicelib.api.relay import decode_id
from chalicelib.domain import application as da


@strawberry.input
class ApplicationReviewInput:
    id: strawberry.ID
    opinion: Opinion  # type: ignore[valid-type]
    text: str
    idempotency_key: str | None = None


@strawberry.type
class ApplicationReviewPayload(ApplicationPayload):
    pass


def application_review(info: Info, input: ApplicationReviewInput) -> ApplicationReviewPayload:
    ctx = info.context

    def action() -> da.Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.review(
            ctx.principal, case_id, da.Opinion(input.opinion), input.text, input.idempotency_key
        )

    return run(info, ApplicationReviewPayload, action)  # type: ignore[return-value]
