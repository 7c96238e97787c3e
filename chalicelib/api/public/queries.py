"""Public transparency queries: progress by tracking code and on-time rates (no login)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.errors import BAD_REQUEST, ApiError
from chalicelib.api.permissions import PUBLIC, field
from chalicelib.api.public.types import DepartmentOnTimeRate, PublicProgress
from chalicelib.domain import public_progress as dp
from chalicelib.domain.errors import DomainError


@strawberry.type
class PublicQuery:
    @field(
        access=PUBLIC,
        description="办件公示 (seed 001): a case's public stage, dates, working days and outcome by its "
        "tracking code; applicant masked, no staff. Unknown and unpublished codes get the same NOT_FOUND; "
        "RATE_LIMITED past the per-minute limit.",
    )
    def public_progress(self, info: Info, tracking_code: str) -> PublicProgress:
        try:
            view = info.context.public_progress.progress(tracking_code, info.context.caller_key)
        except DomainError as error:
            first = error.violations[0]
            raise ApiError(first.code, first.message, field=first.field) from None
        return PublicProgress.from_domain(view, info)

    @field(
        access=PUBLIC,
        description="Every department's decisions in a month (YYYY-MM): decided, on time, overdue and the "
        "on-time rate. Departments without decisions that month are not listed.",
    )
    def public_on_time_rates(self, info: Info, month: str) -> list[DepartmentOnTimeRate]:
        if not dp.MONTH_PATTERN.fullmatch(month):
            raise ApiError(BAD_REQUEST, dp.BAD_MONTH_MESSAGE, field="month")
        rates = info.context.public_progress.on_time_rates(month)
        info.context.departments.want(rate.department_id for rate in rates)
        return [DepartmentOnTimeRate.from_domain(rate) for rate in rates]
