"""GraphQL types of local tuning: published (the public sees each centre's effective version)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre, ProcedureStep
from chalicelib.api.permissions import PUBLIC, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import local_tuning as dlt


@visible_to(PUBLIC)
@strawberry.type(
    description="A receiving centre's tuning of a delegated item: its procedure text and the "
    "secondary materials it accepts missing (seed 003 二(五)1)."
)
class LocalTuning:
    item_id: strawberry.ID
    item_code: str
    procedure: list[ProcedureStep] = strawberry.field(description="Empty: the city's procedure.")
    deficiency_material_codes: list[str]
    set_at: DateTime
    reason: str
    item_version: int
    centre_id: strawberry.Private[str]

    @field(access=PUBLIC)
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.centre_id)
        return Centre.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, t: dlt.LocalTuning) -> LocalTuning:
        return cls(
            item_id=global_id("ServiceItem", t.item_code),
            item_code=t.item_code,
            procedure=[ProcedureStep(name=s.name, description=s.description) for s in t.procedure],
            deficiency_material_codes=list(t.deficiency_material_codes),
            set_at=t.set_at,
            reason=t.reason,
            item_version=t.item_version,
            centre_id=t.centre_id,
        )
