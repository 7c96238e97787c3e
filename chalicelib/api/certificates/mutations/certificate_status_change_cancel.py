"""certificateStatusChangeCancel: withdraw a status change scheduled for a later day, before that day.

Whoever may schedule the change may cancel it (the domain's transition table, for the licence as it
stands: the bureau of the issuing or filing centre, a supervisor for a withdrawal or revocation, the
holder for their own cancellation request). Once its effective day has come the change is in effect
and can no longer be cancelled (STATUS_CHANGE_IN_EFFECT). The cancellation is kept on the registry
record with who, when and why (`Certificate.closedStatusChanges`) and on the case's audit trail; the
sweep no longer applies it. A retry of a successful cancellation answers the same and writes nothing.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.errors import CertificateError, catch
from chalicelib.api.certificates.types import Certificate, ClosedStatusChange
from chalicelib.api.errors import INVALID_ID, ApiError
from chalicelib.api.permissions import AUTHENTICATED, AnyRole, mutation, visible_to
from chalicelib.api.relay import decode_id
from chalicelib.domain import certificate as dcert
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Role


@strawberry.input
class CertificateStatusChangeCancelInput:
    id: strawberry.ID = strawberry.field(description="The scheduled change (`Certificate.pendingStatusChange.id`).")
    reason: str = strawberry.field(description="Why it is withdrawn (at most 500 characters); recorded.")


@visible_to(AUTHENTICATED)
@strawberry.type
class CertificateStatusChangeCancelPayload:
    certificate: Certificate | None
    cancelled_change: ClosedStatusChange | None = strawberry.field(description="The change as cancelled.")
    user_errors: list[CertificateError]


def _ids(value: strawberry.ID) -> tuple[str, str]:
    """`<certificate id>:<change id>` out of the opaque global ID."""
    certificate_id, _, change_id = decode_id(value, "CertificateStatusChange").partition(":")
    if not certificate_id or not change_id:
        raise ApiError(INVALID_ID, "ID不是有效的CertificateStatusChange标识", field="id")
    return certificate_id, change_id


def certificate_status_change_cancel(
    info: Info, input: CertificateStatusChangeCancelInput
) -> CertificateStatusChangeCancelPayload:
    ctx = info.context

    def action() -> tuple[dcert.Certificate, dcert.ClosedStatusChange]:
        try:
            certificate_id, change_id = _ids(input.id)
        except ApiError as bad:  # a malformed id, with every other input problem at once
            if bad.code != INVALID_ID:
                raise
            invalid = Violation(INVALID_ID, str(bad), "id")
            raise DomainError([invalid, *dcert.cancel_reason_problems(input.reason)]) from bad
        return ctx.certificates.cancel_status_change(ctx.principal, certificate_id, change_id, input.reason)

    done, errors = catch(action)
    if done is None:
        return CertificateStatusChangeCancelPayload(certificate=None, cancelled_change=None, user_errors=errors)
    cert, cancelled = done
    return CertificateStatusChangeCancelPayload(
        certificate=Certificate.from_domain(cert),
        cancelled_change=ClosedStatusChange.from_domain(cert.id, cancelled),
        user_errors=errors,
    )


# Registered in the schema's Mutation as is: the roles that may schedule a change may cancel one.
CERTIFICATE_STATUS_CHANGE_CANCEL = mutation(
    certificate_status_change_cancel, access=AnyRole(Role.BUREAU, Role.SUPERVISOR, Role.APPLICANT)
)
