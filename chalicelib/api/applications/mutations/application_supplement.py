"""applicationSupplement: supply materials after a one-time notice or under a credit pledge."""

from __future__ import annotations

from typing import cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.applications.mutations.inputs import MaterialFileInput, to_refs
from chalicelib.api.relay import decode_id
from chalicelib.domain import application as da


@strawberry.input
class ApplicationSupplementInput:
    id: strawberry.ID
    materials: list[MaterialFileInput]
    idempotency_key: str | None = None
    form_data: JSON | None = strawberry.field(
        default=None,
        description="补正 after a one-time notice only: the corrected 申请表 answers (the whole form, keyed by "
        "field key), checked like at filing; the answers replaced stay in `formHistory`.",
    )


@strawberry.type
class ApplicationSupplementPayload(ApplicationPayload):
    pass


def application_supplement(info: Info, input: ApplicationSupplementInput) -> ApplicationSupplementPayload:
    ctx = info.context

    def action() -> da.Application:
        return ctx.applications.supplement(
            ctx.principal,
            decode_id(input.id, "Application"),
            to_refs(input.materials),
            input.idempotency_key,
            cast(dict[str, object], input.form_data) if input.form_data is not None else None,
        )

    return run(info, ApplicationSupplementPayload, action)  # type: ignore[return-value]
