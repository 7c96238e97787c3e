"""Application `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain import uploads as du
from chalicelib.domain.application import Code
from chalicelib.domain.application_form import FormCode
from chalicelib.domain.deficiency_policy import DeficiencyCode
from chalicelib.domain.errors import INVALID_CURSOR
from chalicelib.domain.identity_binding import BindingCodeError
from chalicelib.domain.material_condition import ApplicabilityCode
from chalicelib.domain.organisation import OrgCode
from chalicelib.domain.verified_identity import IdentityCode

ApplicationErrorCode = code_enum(
    "ApplicationErrorCode",
    [v for cls in (Code, FormCode, ApplicabilityCode, DeficiencyCode) for k, v in vars(cls).items() if k.isupper()]
    + [c.value for c in IdentityCode]
    + [
        BindingCodeError.BINDING_CODE_INVALID,
        BindingCodeError.ACCOUNT_NOT_LINKED,
        BindingCodeError.AGENT_ACCOUNT_INVALID,
    ]
    + [INVALID_ID, INVALID_CURSOR, du.UPLOAD_INVALID, du.UPLOAD_TOO_LARGE, du.BLOB_KEY_INVALID]
    + [OrgCode.NO_COMPETENT_CENTRE, OrgCode.ROUTING_LOOP, OrgCode.UNKNOWN_CENTRE, OrgCode.CENTRE_CLOSED],
    "Why an application command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class ApplicationError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: ApplicationErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(ApplicationError, ApplicationErrorCode)
