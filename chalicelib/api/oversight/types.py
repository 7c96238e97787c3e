"""GraphQL type of a case under the head's personal oversight."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import STAFF, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import oversight as do

ProjectKind = strawberry.enum(do.ProjectKind, name="OversightProjectKind")


@visible_to(STAFF)
@strawberry.type(description="一把手督办: a major project the lead department's head oversees in person.")
class CaseOversight:
    application_id: strawberry.ID
    tracking_code: str
    item_name: str
    head_staff_id: str
    project: ProjectKind  # type: ignore[valid-type]
    reason: str
    flagged_by: str
    flagged_at: DateTime

    @classmethod
    def from_domain(cls, o: do.Oversight) -> CaseOversight:
        return cls(
            application_id=global_id("Application", o.application_id),
            tracking_code=o.tracking_code,
            item_name=o.item_name,
            head_staff_id=o.head_staff_id,
            project=o.project,
            reason=o.reason,
            flagged_by=o.flagged_by,
            flagged_at=o.flagged_at,
        )
