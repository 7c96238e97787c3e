"""GraphQL types of an item's deficiency policy (容缺办理 / 容缺后补, seed 002 四(八))."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.domain import deficiency_policy as dd

DeficiencyMode = strawberry.enum(dd.DeficiencyMode, name="DeficiencyMode")


@visible_to(PUBLIC)
@strawberry.type(
    description="Which deficiency acceptance the item allows: WAIT (容缺办理, the certificate waits for the "
    "pledged materials) and/or SAME_DAY (容缺后补, approved and issued the same day, materials within "
    "`supplyDays` working days); `materialCodes` are the secondary materials that may be missing (empty: all)."
)
class DeficiencyPolicy:
    modes: list[DeficiencyMode]  # type: ignore[valid-type]
    material_codes: list[str]
    supply_days: int

    @classmethod
    def from_domain(cls, p: dd.DeficiencyPolicy) -> DeficiencyPolicy:
        return cls(modes=list(p.modes), material_codes=list(p.material_codes), supply_days=p.supply_days)


@strawberry.input
class DeficiencyPolicyInput:
    modes: list[DeficiencyMode]  # type: ignore[valid-type]
    material_codes: list[str] = strawberry.field(default_factory=list)
    supply_days: int = 0


def to_policy(value: DeficiencyPolicyInput | None) -> dd.DeficiencyPolicy:
    if value is None:
        return dd.DeficiencyPolicy()
    return dd.DeficiencyPolicy(
        tuple(dd.DeficiencyMode(m) for m in value.modes[:5]), tuple(value.material_codes[:100]), value.supply_days
    )
