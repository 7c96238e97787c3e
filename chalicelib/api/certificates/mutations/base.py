"""The payload every certificate mutation returns."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from chalicelib.api.certificates.errors import CertificateError, catch
from chalicelib.api.certificates.types import Certificate
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.domain import certificate as dcert


@visible_to(AUTHENTICATED)
@strawberry.type
class CertificatePayload:
    certificate: Certificate | None
    user_errors: list[CertificateError]


def run(cls: type[CertificatePayload], action: Callable[[], dcert.Certificate]) -> CertificatePayload:
    cert, errors = catch(action)
    return cls(certificate=Certificate.from_domain(cert) if cert else None, user_errors=errors)
