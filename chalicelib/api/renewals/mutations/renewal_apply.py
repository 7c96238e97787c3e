"""renewalApply: the holder (or their agent, or a window clerk for them) applies to renew a valid
licence at least 30 days before its validity ends (延续, Administrative Licensing Law art. 50).

The renewal is an ordinary case of the licence's item (materials and form as for a first
application), of kind RENEWAL, reviewed and decided like any other."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from chalicelib.api.applications.mutations.inputs import MaterialFileInput, to_refs
from chalicelib.api.applications.types import Application, Channel
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.api.renewals.errors import RenewalError, catch
from chalicelib.domain import application as da
from chalicelib.services import clock


@strawberry.input
class RenewalApplyInput:
    certificate_id: strawberry.ID = strawberry.field(description="The licence to renew (its holder applies).")
    centre_id: strawberry.ID = strawberry.field(description="The window taking the application.")
    materials: list[MaterialFileInput]
    channel: Channel = da.Channel.ONLINE  # type: ignore[valid-type]
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key returns the first case (one renewal per licence)."
    )
    form_data: JSON | None = strawberry.field(
        default=None, description="申请表 answers keyed by the item's form field keys, as for `applicationFile`."
    )


@visible_to(AUTHENTICATED)
@strawberry.type
class RenewalApplyPayload:
    application: Application | None
    user_errors: list[RenewalError]


def renewal_apply(info: Info, input: RenewalApplyInput) -> RenewalApplyPayload:
    ctx = info.context

    def action() -> da.Application:
        return ctx.renewals.apply(
            ctx.principal,
            decode_id(input.certificate_id, "Certificate", "certificateId"),
            decode_id(input.centre_id, "Centre", "centreId"),
            to_refs(input.materials),
            da.Channel(input.channel),
            input.idempotency_key,
            input.form_data,
        )

    case, errors = catch(action)
    today = da.china_date(clock.utc_now())
    return RenewalApplyPayload(
        application=Application.from_domain(case, today, info) if case else None, user_errors=errors
    )
