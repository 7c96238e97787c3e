"""GraphQL types of ratings and rectifications.

The applicant who rated sees their rating (the mutation's result); staff reach ratings through
the department-scoped queries. Who recorded a follow-up is a staff identity: staff only.
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.permissions import AUTHENTICATED, STAFF, field, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import rating as dr

RatingLevel = strawberry.enum(dr.RatingLevel, name="RatingLevel", description="好差评 five levels (5 best).")
RectificationStatus = strawberry.enum(dr.RectificationStatus, name="RectificationStatus")


@visible_to(AUTHENTICATED)
@strawberry.type(description="The four graded aspects, each 1 (worst) to 5 (best).")
class RatingIndicators:
    efficiency: int
    guide_accuracy: int
    convenience: int
    attitude: int


@visible_to(AUTHENTICATED)
@strawberry.type(description="整改: the lead department's follow-up of a bad rating, due in 15 working days.")
class Rectification:
    due_on: date
    status: RectificationStatus  # type: ignore[valid-type]
    follow_up: str
    recorded_at: DateTime | None
    overdue_at: DateTime | None
    recorder: strawberry.Private[str | None]

    @field(access=STAFF, description="Staff id of who recorded the follow-up (staff only).")
    def recorded_by(self) -> str | None:
        return self.recorder


@visible_to(AUTHENTICATED)
@strawberry.type(description="好差评: one rating of one ended case.")
class Rating:
    application_id: strawberry.ID
    tracking_code: str
    item_code: str
    item_name: str
    level: RatingLevel  # type: ignore[valid-type]
    level_label: str
    bad: bool = strawberry.field(description="不满意 or 非常不满意: a rectification is owed.")
    indicators: RatingIndicators
    comment: str
    rated_at: DateTime
    rectification: Rectification | None
    department_id: strawberry.Private[str]

    @field(access=AUTHENTICATED, description="The lead department, which answers for the rating.")
    def department(self, info: Info) -> Department | None:
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, r: dr.Rating) -> Rating:
        task = r.rectification
        return cls(
            application_id=global_id("Application", r.application_id),
            tracking_code=r.tracking_code,
            item_code=r.item_code,
            item_name=r.item_name,
            level=r.level,
            level_label=dr.LEVEL_LABEL[r.level],
            bad=r.is_bad,
            indicators=RatingIndicators(
                efficiency=r.indicators.efficiency,
                guide_accuracy=r.indicators.guide_accuracy,
                convenience=r.indicators.convenience,
                attitude=r.indicators.attitude,
            ),
            comment=r.comment,
            rated_at=r.rated_at,
            rectification=Rectification(
                due_on=task.due_on,
                status=task.status,
                follow_up=task.follow_up,
                recorded_at=task.recorded_at,
                overdue_at=task.overdue_at,
                recorder=task.recorded_by,
            )
            if task
            else None,
            department_id=r.department_id,
        )
