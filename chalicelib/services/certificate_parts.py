"""The real renderer, seal and verifier behind `CertificateService`, built once per process.

Kept apart from the use cases so those stay testable with any parts, and so pyHanko, reportlab
and the seal key load only when a certificate is first issued or verified (not at cold start).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from chalicelib.domain.certificate import Certificate


def render(cert: Certificate, details: tuple[tuple[str, str], ...], verification_url: str) -> bytes:
    from chalicelib.rendering.certificate_pdf import CertificateView, render_certificate

    return render_certificate(
        CertificateView(
            title=cert.type_name,
            number=cert.number,
            holder_name=cert.holder_name,
            holder_identifier=cert.holder_identifier,
            item_name=cert.item_name,
            authority_name=cert.authority_name,
            issued_on=cert.issued_on,
            valid_until=cert.valid_until,
            details=details,
            verification_url=verification_url,
            verification_code=cert.verification_code,
        )
    )


def seal(pdf: bytes, authority_name: str) -> bytes:
    import signing
    from chalicelib.rendering.certificate_pdf import SEAL_BOX

    appearance = signing.SealAppearance(authority_name=authority_name, box=SEAL_BOX, page=0)
    sealed: bytes = signing.default_sealer().seal(pdf, appearance, reason="行政审批专用章 电子证照")
    return sealed


@lru_cache(maxsize=4)
def _trust_roots(paths: str) -> tuple[Any, ...]:
    import signing

    return tuple(signing.trust_roots_from_env({"UAP_SEAL_TRUST_ROOTS": paths}))


def verify(pdf: bytes) -> Any:
    """A verification report against the configured trust anchors (offline, never raises)."""
    import signing

    return signing.verify_pdf(pdf, list(_trust_roots(os.environ.get("UAP_SEAL_TRUST_ROOTS", ""))))
