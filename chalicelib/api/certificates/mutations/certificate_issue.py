"""certificateIssue: the bureau produces and seals the certificate of an approved case (seed 002).

A retry of a successful call returns the same certificate: one case, one certificate.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.mutations.base import CertificatePayload, run
from chalicelib.api.relay import decode_id


@strawberry.input
class CertificateIssueInput:
    application_id: strawberry.ID


@strawberry.type
class CertificateIssuePayload(CertificatePayload):
    pass


def certificate_issue(info: Info, input: CertificateIssueInput) -> CertificateIssuePayload:
    ctx = info.context
    return run(  # type: ignore[return-value]
        CertificateIssuePayload,
        lambda: ctx.certificates.issue(ctx.principal, decode_id(input.application_id, "Application", "applicationId")),
    )
