"""What the organisation mutation payloads share: the centre or department and userErrors."""

from __future__ import annotations

import strawberry

from chalicelib.api.catalogue.types import Centre, Department
from chalicelib.api.organisation.errors import OrganisationError
from chalicelib.api.permissions import PUBLIC, visible_to


@visible_to(PUBLIC)
@strawberry.type
class CentrePayload:
    centre: Centre | None
    user_errors: list[OrganisationError]


@visible_to(PUBLIC)
@strawberry.type
class DepartmentPayload:
    department: Department | None
    user_errors: list[OrganisationError]
