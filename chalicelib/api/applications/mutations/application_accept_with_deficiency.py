"""applicationAcceptWithDeficiency: 容缺受理: accept with secondary materials missing under a credit pledge (seed 002)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.catalogue.deficiency_types import DeficiencyMode
from chalicelib.api.relay import decode_id
from chalicelib.domain import deficiency_policy as dd
from chalicelib.domain.application import Application


@strawberry.input
class ApplicationAcceptWithDeficiencyInput:
    id: strawberry.ID
    missing_material_codes: list[str]
    pledge_due_on: date
    idempotency_key: str | None = None
    mode: DeficiencyMode = strawberry.field(  # type: ignore[valid-type]
        default=dd.DeficiencyMode.WAIT,
        description="WAIT: 容缺办理 (the certificate waits for the materials); SAME_DAY: 容缺后补 (approved and "
        "issued at once, materials due within the item's `deficiency.supplyDays`). The item must allow it.",
    )


@strawberry.type
class ApplicationAcceptWithDeficiencyPayload(ApplicationPayload):
    pass


def application_accept_with_deficiency(
    info: Info, input: ApplicationAcceptWithDeficiencyInput
) -> ApplicationAcceptWithDeficiencyPayload:
    ctx = info.context

    def action() -> Application:
        case_id = decode_id(input.id, "Application")
        return ctx.applications.accept_with_deficiency(
            ctx.principal,
            case_id,
            list(input.missing_material_codes),
            input.pledge_due_on,
            input.idempotency_key,
            dd.DeficiencyMode(input.mode),
        )

    return run(info, ApplicationAcceptWithDeficiencyPayload, action)  # type: ignore[return-value]
