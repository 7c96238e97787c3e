"""Offline verification kit (issue 13 point 7): sign the QR payload, publish the status list and
the seal registry export.

Both signatures are made with the issuing bureau's registered seal key (the same backend, local
PEM or KMS, that seals its certificates; `signing.config.sealer_for` builds it once per process),
so a verifier needs nothing but the seal registry export to trust them: no separate key to
register or rotate. The status list is built from its own partition (one Query, no Scan).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.certificate import Certificate
from chalicelib.domain.offline_kit import STATUS_LIST_VALIDITY, issuing_bureau, qr_claims
from chalicelib.services.seal_registry import current_registry
from chalicelib.storage.status_list_repository import StatusListRepository

log = logging.getLogger(__name__)

#: Shared caches may keep the list this long; verifiers re-download before `next_update` anyway.
STATUS_LIST_MAX_AGE = 300


def _backend(bureau: str, registry: Any) -> Any:
    """The bureau's seal key backend (wall clock: the seal's registered validity is checked
    against the real time of signing, as for sealing)."""
    from signing.config import sealer_for

    return sealer_for(bureau, registry, datetime.now(UTC)).backend


def qr_payload(cert: Certificate) -> str:
    """The signed offline payload for the certificate's QR code; "" when the bureau has no
    registered seal (sealing then refuses the certificate right after, with its own code)."""
    from signing.config import UnregisteredSealError
    from signing.offline import QrClaims, sign_qr_payload

    registry = current_registry()
    if registry is None:
        return ""
    try:
        backend = _backend(issuing_bureau(cert), registry)
    except UnregisteredSealError:
        return ""
    return sign_qr_payload(backend, QrClaims(**qr_claims(cert), signed_at=int(time.time())))


class StatusListService:
    def __init__(self, listings: StatusListRepository | None = None) -> None:
        self.listings = listings or StatusListRepository()

    def signed_list(self, bureau: str) -> str | None:
        """The bureau's signed status list (compact JWS), or None for a bureau the seal registry
        does not list (or that has no seal valid now)."""
        from signing.config import UnregisteredSealError
        from signing.status_list import ListedCertificate, StatusList, sign_status_list

        registry = current_registry()
        if registry is None or bureau not in registry.authorities:
            return None
        try:
            backend = _backend(bureau, registry)
        except UnregisteredSealError:
            log.error("status list of %s not signed: no registered seal key", bureau)
            return None
        # The wall clock, as for sealing: the list's issued_at is when the seal key signed it.
        now = datetime.now(UTC).replace(microsecond=0)
        entries = tuple(ListedCertificate(e.licence, e.status, e.since) for e in self.listings.listed(bureau))
        return sign_status_list(backend, StatusList(bureau, now, now + STATUS_LIST_VALIDITY, entries))

    @staticmethod
    def registry_export() -> dict[str, Any] | None:
        """The seal registry as published (certificates, validity, legal basis; no key material)."""
        from signing.offline import export_registry

        registry = current_registry()
        return export_registry(registry) if registry is not None else None
