"""applicationRate: the applicant (or filing agent) rates an ended case once (好差评)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.ratings.mutations.base import RatingPayload, run
from chalicelib.api.ratings.types import RatingLevel
from chalicelib.api.relay import decode_id
from chalicelib.domain import rating as dr


@strawberry.input(description="Each indicator from 1 (worst) to 5 (best).")
class RatingIndicatorsInput:
    efficiency: int
    guide_accuracy: int
    convenience: int
    attitude: int


@strawberry.input
class ApplicationRateInput:
    application_id: strawberry.ID
    level: RatingLevel  # type: ignore[valid-type]
    indicators: RatingIndicatorsInput
    comment: str = ""
    idempotency_key: str | None = None


@strawberry.type
class ApplicationRatePayload(RatingPayload):
    pass


def application_rate(info: Info, input: ApplicationRateInput) -> ApplicationRatePayload:
    ctx = info.context

    def action() -> dr.Rating:
        case_id = decode_id(input.application_id, "Application", "applicationId")
        i = input.indicators
        indicators = dr.Indicators(i.efficiency, i.guide_accuracy, i.convenience, i.attitude)
        level = dr.RatingLevel(input.level)
        return ctx.ratings.rate(ctx.principal, case_id, level, indicators, input.comment, input.idempotency_key)

    return run(ApplicationRatePayload, action)  # type: ignore[return-value]
