"""GraphQL types of renewal (延续): what a renewal case records about the licence it renews."""

from __future__ import annotations

from datetime import date

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.domain import application as da
from chalicelib.domain import renewal as dr

ApplicationKind = strawberry.enum(
    da.ApplicationKind, name="ApplicationKind", description="A first application, or a renewal (延续, art. 50)."
)


@visible_to(AUTHENTICATED)
@strawberry.type(description="延续 (Administrative Licensing Law art. 50): the licence a renewal case renews.")
class Renewal:
    previous_certificate_number: str
    previous_valid_until: date = strawberry.field(description="The previous licence's last valid day.")
    renewed_valid_from: date = strawberry.field(description="The renewed licence's validity starts here.")
    latest_application_day: date = strawberry.field(description="The last day art. 50 allowed applying.")
    deemed_granted: bool = strawberry.field(
        description="Undecided when the previous licence ended: granted by law (视为准予延续)."
    )
    previous: strawberry.Private[str]

    @field(access=AUTHENTICATED, description="The licence renewed (see `Certificate.renewedBy` for the new one).")
    def previous_certificate_id(self) -> strawberry.ID:
        return global_id("Certificate", self.previous)

    @classmethod
    def from_case(cls, case: da.Application) -> Renewal | None:
        r = case.renewal
        if r is None:
            return None
        return cls(
            previous_certificate_number=r.certificate_number,
            previous_valid_until=r.valid_until,
            renewed_valid_from=dr.renewed_valid_from(r),
            latest_application_day=dr.latest_application_day(r.valid_until),
            deemed_granted=dr.deemed_granted(case),
            previous=r.certificate_id,
        )
