"""The real renderer, seal and verifier behind `CertificateService`, built once per process.

Kept apart from the use cases so those stay testable with any parts, and so pyHanko, reportlab
and the seal key load only when a certificate is first issued or verified (not at cold start).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from chalicelib.domain.certificate import Certificate
from chalicelib.domain.offline_kit import issuing_bureau
from chalicelib.services.seal_registry import current_registry


class SealNotRegisteredError(Exception):
    """The issuing bureau has no seal in the registry valid now (or no key for it): nothing is sealed."""


def seal_authority(cert: Certificate) -> str:
    """The registry's code of the certificate's issuing bureau: the issuing department."""
    return issuing_bureau(cert)


def legal_basis(cert: Certificate) -> str | None:
    """The notice that gives the issuing bureau's e-seal legal effect (seed 003 二(七)), if registered."""
    registry = current_registry()
    authority = registry.authorities.get(seal_authority(cert)) if registry is not None else None
    return authority.legal_basis if authority is not None else None


def render(
    cert: Certificate,
    details: tuple[tuple[str, str], ...],
    verification_url: str,
    fields: tuple[tuple[str, str], ...] | None = None,
    valid_from: date | None = None,
) -> bytes:
    """The certificate drawn in its type's layout with the type's own lines (`fields`, the filled
    template); records without a layout (issued before templates) draw the generic licence."""
    from chalicelib.rendering.certificate_pdf import LICENCE_PORTRAIT, CertificateView, render_certificate
    from chalicelib.services.offline_kit import qr_payload

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
            qr_payload=qr_payload(cert),  # issue 13 point 7: the signed offline payload
            fields=fields,
            layout=cert.layout or LICENCE_PORTRAIT,
            valid_from=valid_from,
        )
    )


def seal(pdf: bytes, cert: Certificate) -> bytes:
    """Seal with the issuing bureau's own key: the seal the registry lists for it now (one sealer
    per bureau and seal per process, so no extra request per issuance)."""
    import signing
    from chalicelib.rendering.certificate_pdf import LICENCE_PORTRAIT, seal_box
    from signing.config import UnregisteredSealError, sealer_for

    registry = current_registry()
    if registry is None:
        raise SealNotRegisteredError("no seal registry is configured or loadable")
    try:
        # The wall clock, not the service clock: the seal's registered validity is checked against
        # the signing time the signature itself records, which is the real time of sealing.
        sealer = sealer_for(seal_authority(cert), registry, datetime.now(UTC))
    except UnregisteredSealError as error:
        raise SealNotRegisteredError(str(error)) from error
    appearance = signing.SealAppearance(
        authority_name=cert.authority_name, box=seal_box(cert.layout or LICENCE_PORTRAIT), page=0
    )
    sealed: bytes = sealer.seal(pdf, appearance, reason="行政审批专用章 电子证照")
    return sealed


def _file_stamps(paths: str) -> tuple[tuple[str, int, int, int] | None, ...]:
    """Each trust root file's identity and version (inode, mtime, size; None if unreadable): a
    stat per file (~2 us), so a root replaced in place is a new configuration at once."""
    stamps: list[tuple[str, int, int, int] | None] = []
    for path in paths.split(os.pathsep):
        if not path.strip():
            continue
        try:
            st = os.stat(path)
        except OSError:
            stamps.append(None)
            continue
        stamps.append((path, st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(stamps)


@lru_cache(maxsize=4)
def _trust_roots_of(paths: str, stamps: tuple[tuple[str, int, int, int] | None, ...]) -> tuple[Any, ...]:
    import signing

    return tuple(signing.trust_roots_from_env({"UAP_SEAL_TRUST_ROOTS": paths}))


def _trust_roots(paths: str) -> tuple[Any, ...]:
    """The configured trust anchors, read once per configuration: the `UAP_SEAL_TRUST_ROOTS`
    paths and the files' versions (bounded: the last 4 configurations)."""
    return _trust_roots_of(paths, _file_stamps(paths))


def verify(pdf: bytes, authority: str | None = None, *, sha256: str | None = None) -> Any:
    """A verification report against the configured trust anchors (offline, never raises), with
    the signer pinned to the registered seal of ``authority`` (the issuing bureau the certificate
    record names; None: any registered bureau seal) at the signing time. ``sha256``: the caller's
    hex digest of ``pdf`` when it has one (not computed again)."""
    import signing
    from signing.registry import pin_registered_seal

    roots = list(_trust_roots(os.environ.get("UAP_SEAL_TRUST_ROOTS", "")))
    report = signing.verify_pdf(pdf, roots, file_sha256=sha256)
    return pin_registered_seal(report, current_registry(), authority)
