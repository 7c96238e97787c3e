"""applicationFile: file for the current published version of an item (seed 002 一窗受理).

The applicant files for themself; an authorised proxy agent (代办) or a clerk at the window files
on the applicant's behalf. Every case gets an unguessable tracking code.
"""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.applications.mutations.inputs import MaterialFileInput, to_refs
from chalicelib.api.applications.types import Channel
from chalicelib.api.relay import decode_id
from chalicelib.domain import application as da
from chalicelib.domain.identity import Role


@strawberry.input
class ApplicantInput:
    account_id: str | None = strawberry.field(
        default=None,
        description="Defaults to the caller (applicants, agents filing for themselves). At a window: the "
        "applicant's account, only if it is linked to the identity checked or with `bindingCode` "
        "(otherwise ACCOUNT_NOT_LINKED); left out, the case is filed to the identity alone (no account).",
    )
    name: str
    identifier: str = strawberry.field(description="ID card number or unified social credit code.")
    binding_code: str | None = strawberry.field(
        default=None,
        description="Window filings: the code the account's holder created (identityBindingCodeCreate) to have "
        "their account linked to the identity the clerk checks; without it the account stays unlinked.",
    )


@strawberry.input
class ApplicationFileInput:
    item_id: strawberry.ID
    centre_id: strawberry.ID
    applicant: ApplicantInput
    materials: list[MaterialFileInput]
    channel: Channel = da.Channel.ONLINE  # type: ignore[valid-type]
    idempotency_key: str | None = None
    form_data: JSON | None = strawberry.field(
        default=None,
        description="申请表 answers as an object keyed by the item's form field keys (`ServiceItem.form`); "
        "checked at filing, every problem reported at once (`formData.<key>`).",
    )


@strawberry.type
class ApplicationFilePayload(ApplicationPayload):
    pass


def application_file(info: Info, input: ApplicationFileInput) -> ApplicationFilePayload:
    ctx = info.context

    def action() -> da.Application:
        account = (input.applicant.account_id or "").strip()
        if input.applicant.account_id is None and not ctx.principal.has_any(Role.CLERK):
            account = ctx.principal.subject or ""  # at a window, no account: filed to the identity
        return ctx.applications.file(
            ctx.principal,
            decode_id(input.item_id, "ServiceItem", "itemId"),
            decode_id(input.centre_id, "Centre", "centreId"),
            da.Applicant(account, input.applicant.name.strip(), input.applicant.identifier.strip()),
            to_refs(input.materials),
            da.Channel(input.channel),
            input.idempotency_key,
            input.form_data,
            input.applicant.binding_code,
        )

    return run(info, ApplicationFilePayload, action)  # type: ignore[return-value]
