"""The seal registry as the API reads it: each bureau's registered seal certificates (seed 003 二(七)).

Seed 003 二(七): the city government announces the legal effect of each bureau's e-seal; a
verifier must therefore accept a certificate only under *its issuing bureau's* registered seal,
not under any key the CA certified. The registry document and its rules are in
`signing/registry.py` (the offline CLI checks the same file); this module decides where the API
reads it from and how fresh it is.

`UAP_SEAL_REGISTRY` names the document: a file path (local stage, tests, or a copy shipped with
the code) or `blob:<key>`, an object in the certificate bucket. An operator rotates a seal
without a deploy by uploading a new version of that object: each process re-reads it after
`UAP_SEAL_REGISTRY_TTL` seconds (default 300) and keeps the last good version if a read fails.
No DynamoDB request: issuing and verifying cost the same number of requests as before.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_TTL = 300.0
BLOB_PREFIX = "blob:"


class SealRegistryCache:
    """One registry per process, re-read after ``ttl`` seconds; a bad new version is logged and
    the previous good one kept (a typo in an upload must not stop issuance)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._source: str | None = None
        self._loaded_at = 0.0
        self._registry: Any = None
        self._monotonic = monotonic
        self.reads = 0  # how many times the document was fetched (tests pin it)

    def invalidate(self) -> None:
        with self._lock:
            self._source, self._registry, self._loaded_at = None, None, 0.0

    def current(self) -> Any:
        """The registry (a `signing.registry.SealRegistry`), or None when none is configured or
        it never loaded: verification then says INDETERMINATE, issuance refuses to seal."""
        source = os.environ.get("UAP_SEAL_REGISTRY", "").strip()
        if not source:
            return None
        ttl = float(os.environ.get("UAP_SEAL_REGISTRY_TTL") or DEFAULT_TTL)
        now = self._monotonic()
        if source == self._source and self._registry is not None and now - self._loaded_at < ttl:
            return self._registry
        with self._lock:
            if source == self._source and self._registry is not None and now - self._loaded_at < ttl:
                return self._registry
            from signing.registry import RegistryError, load_registry

            try:
                self.reads += 1
                registry = load_registry(_read(source))
            except (OSError, RegistryError, ValueError) as error:
                log.error("seal registry %s could not be loaded: %s", source, error)
                if source != self._source:
                    self._registry = None
                self._source, self._loaded_at = source, now
                return self._registry
            if self._registry is not None and source == self._source and registry.version < self._registry.version:
                log.error(
                    "seal registry %s went back from v%s to v%s: kept", source, self._registry.version, registry.version
                )
            else:
                self._registry = registry
            self._source, self._loaded_at = source, now
            return self._registry


def _read(source: str) -> bytes:
    if source.startswith(BLOB_PREFIX):
        from chalicelib.config import get_settings
        from chalicelib.storage.blobs import blob_store_from_config

        data = blob_store_from_config(get_settings()).get(source[len(BLOB_PREFIX) :])
        if data is None:
            raise OSError(f"{source}: no such object")
        return data
    return Path(source).read_bytes()


def read_document() -> dict[str, Any] | None:
    """The registry document as published (raw JSON), or None when none is configured: what an
    administrator's rotation starts from (services/seal_registry_admin.py)."""
    import json

    source = os.environ.get("UAP_SEAL_REGISTRY", "").strip()
    if not source:
        return None
    document: dict[str, Any] = json.loads(_read(source))
    return document


def publish(document: dict[str, Any]) -> None:
    """Publish a new version where `UAP_SEAL_REGISTRY` names it, after `signing.registry`'s own
    checks (every structural rule stays there); the next read in this process takes it at once,
    other processes within `UAP_SEAL_REGISTRY_TTL`."""
    import json

    from signing.registry import load_registry

    load_registry(document)  # raises RegistryError listing every problem: nothing is written
    source = os.environ.get("UAP_SEAL_REGISTRY", "").strip()
    data = json.dumps(document, ensure_ascii=False, indent=2).encode()
    if source.startswith(BLOB_PREFIX):
        from chalicelib.config import get_settings
        from chalicelib.storage.blobs import blob_store_from_config

        blob_store_from_config(get_settings()).put(source[len(BLOB_PREFIX) :], data, "application/json")
    else:
        path = Path(source)
        partial = path.with_name(f".{path.name}.new")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a reader sees the old or the new version, never half
    REGISTRY.invalidate()


REGISTRY = SealRegistryCache()


def current_registry() -> Any:
    return REGISTRY.current()
