"""certificateTypeCreate: the owning department (or a catalogue administrator of its centre or a
centre above it) registers a type."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificate_types.mutations.base import (
    CertificateTypePayload,
    CertificateTypeTemplateInput,
    draft,
    run,
)
from chalicelib.domain import certificate_type as dt


@strawberry.input
class CertificateTypeCreateInput:
    code: str
    template: CertificateTypeTemplateInput
    reason: str


@strawberry.type
class CertificateTypeCreatePayload(CertificateTypePayload):
    pass


def certificate_type_create(info: Info, input: CertificateTypeCreateInput) -> CertificateTypeCreatePayload:
    ctx = info.context

    def action() -> dt.CertificateType:
        return ctx.certificate_types.create(ctx.principal, draft(input.code, input.template), input.reason)

    return run(CertificateTypeCreatePayload, action)  # type: ignore[return-value]
