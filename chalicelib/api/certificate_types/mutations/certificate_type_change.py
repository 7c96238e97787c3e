"""certificateTypeChange: a new version of a template (the department before the handover, the
bureau after it); `expectedVersion` is the version the editor started from."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificate_types.mutations.base import (
    CertificateTypePayload,
    CertificateTypeTemplateInput,
    draft,
    run,
)
from chalicelib.api.certificate_types.types import NODE
from chalicelib.api.relay import decode_id
from chalicelib.domain import certificate_type as dt


@strawberry.input
class CertificateTypeChangeInput:
    id: strawberry.ID
    expected_version: int
    template: CertificateTypeTemplateInput
    reason: str


@strawberry.type
class CertificateTypeChangePayload(CertificateTypePayload):
    pass


def certificate_type_change(info: Info, input: CertificateTypeChangeInput) -> CertificateTypeChangePayload:
    ctx = info.context

    def action() -> dt.CertificateType:
        code = decode_id(input.id, NODE)
        return ctx.certificate_types.change(
            ctx.principal, draft(code, input.template), input.expected_version, input.reason
        )

    return run(CertificateTypeChangePayload, action)  # type: ignore[return-value]
