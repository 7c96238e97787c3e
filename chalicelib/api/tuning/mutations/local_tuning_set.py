"""localTuningSet: a receiving centre's administrator tunes a delegated item (seed 003 二(五)1)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.inputs import ProcedureStepInput
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.tuning.errors import TuningError, catch
from chalicelib.api.tuning.types import LocalTuning
from chalicelib.domain import local_tuning as dlt
from chalicelib.domain.catalogue import ProcedureStep


@strawberry.input
class LocalTuningSetInput:
    item_id: strawberry.ID
    centre_id: strawberry.ID
    procedure: list[ProcedureStepInput] = strawberry.field(description="Empty: keep the city's procedure.")
    deficiency_material_codes: list[str] = strawberry.field(
        description="The secondary materials this centre accepts missing under a credit pledge."
    )
    reason: str


@visible_to(AUTHENTICATED)
@strawberry.type
class LocalTuningSetPayload:
    local_tuning: LocalTuning | None
    user_errors: list[TuningError]


def local_tuning_set(info: Info, input: LocalTuningSetInput) -> LocalTuningSetPayload:
    ctx = info.context

    def action() -> dlt.LocalTuning:
        return ctx.tuning.set(
            ctx.principal,
            decode_id(input.item_id, "ServiceItem", "itemId"),
            decode_id(input.centre_id, "Centre", "centreId"),
            [ProcedureStep(s.name, s.description) for s in input.procedure[: dlt.MAX_STEPS + 1]],
            input.deficiency_material_codes[:100],
            input.reason,
        )

    found, errors = catch(action)
    return LocalTuningSetPayload(local_tuning=LocalTuning.from_domain(found) if found else None, user_errors=errors)
