"""oversightAnswer: the receiving centre reports its rectification (to the opinion by its due
date, or to the letter)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.counterpart.mutations.base import OversightPayload, run
from chalicelib.api.relay import decode_id
from chalicelib.domain import counterpart as dcp


@strawberry.input
class OversightAnswerInput:
    id: strawberry.ID
    answer: str


@strawberry.type
class OversightAnswerPayload(OversightPayload):
    pass


def oversight_answer(info: Info, input: OversightAnswerInput) -> OversightAnswerPayload:
    ctx = info.context

    def action() -> dcp.OversightInspection:
        return ctx.counterpart.answer(ctx.principal, decode_id(input.id, "OversightInspection"), input.answer)

    return run(OversightAnswerPayload, action)  # type: ignore[return-value]
