"""Building backends and sealers from ``UAP_SEAL_*`` environment variables.

The Lambda and the local runner configure sealing the same way; keeping the
mapping in one place makes the variables discoverable (see README.md).
:func:`default_sealer` caches one :class:`~signing.seal.Sealer` per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .keys import KeyBackend, KmsKeyBackend, LocalKeyBackend, load_certificates

if TYPE_CHECKING:  # pragma: no cover
    from cryptography import x509

    from .registry import SealRegistry
    from .seal import RevocationSources, Sealer

__all__ = [
    "ConfigError",
    "UnregisteredSealError",
    "archival_timestamp_from_env",
    "backend_from_env",
    "default_sealer",
    "revocation_from_env",
    "seal_keys_from_env",
    "sealer_for",
    "sealer_from_env",
    "trust_roots_from_env",
]


class ConfigError(ValueError):
    """A required ``UAP_SEAL_*`` variable is missing or inconsistent."""


def _paths(value: str | None) -> list[Path]:
    return [Path(p) for p in (value or "").split(os.pathsep) if p.strip()]


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def backend_from_env(env: Mapping[str, str] | None = None) -> KeyBackend:
    """``kms`` when ``UAP_SEAL_KMS_KEY_ID`` is set (or forced), else ``local``."""
    env = os.environ if env is None else env
    kind = env.get("UAP_SEAL_BACKEND") or ("kms" if env.get("UAP_SEAL_KMS_KEY_ID") else "local")
    cert = env.get("UAP_SEAL_CERT")
    if not cert:
        raise ConfigError("UAP_SEAL_CERT (seal certificate PEM path) is not set")
    chain = _paths(env.get("UAP_SEAL_CHAIN"))
    if kind == "kms":
        key_id = env.get("UAP_SEAL_KMS_KEY_ID")
        if not key_id:
            raise ConfigError("UAP_SEAL_KMS_KEY_ID is not set")
        return KmsKeyBackend(key_id, cert, chain, region_name=env.get("UAP_SEAL_KMS_REGION") or None)
    if kind == "local":
        key = env.get("UAP_SEAL_KEY")
        if not key:
            raise ConfigError("UAP_SEAL_KEY (seal private key PEM path) is not set")
        password = env.get("UAP_SEAL_KEY_PASSWORD")
        return LocalKeyBackend(key, cert, chain, password=password.encode() if password else None)
    raise ConfigError(f"UAP_SEAL_BACKEND must be 'local' or 'kms', not {kind!r}")


def revocation_from_env(env: Mapping[str, str] | None = None) -> RevocationSources | None:
    """Revocation sources for B-LT, or ``None`` when none are configured."""
    from .seal import RevocationSources

    env = os.environ if env is None else env
    crls = [p.read_bytes() for p in _paths(env.get("UAP_SEAL_CRLS"))]
    fetch = _flag(env.get("UAP_SEAL_REVOCATION_FETCH"))
    if not crls and not fetch:
        return None
    extra: list[x509.Certificate] = []
    for path in _paths(env.get("UAP_SEAL_EXTRA_TRUST")):
        extra.extend(load_certificates(path.read_bytes()))
    return RevocationSources(crls=crls, allow_fetching=fetch, extra_trust_roots=extra)


def sealer_from_env(env: Mapping[str, str] | None = None) -> Sealer:
    """A new sealer configured from the environment."""
    from .seal import Sealer

    env = os.environ if env is None else env
    tsa = env.get("UAP_SEAL_TSA_URL") or None
    revocation = revocation_from_env(env)
    if revocation is not None and not tsa:
        raise ConfigError("UAP_SEAL_CRLS/UAP_SEAL_REVOCATION_FETCH need UAP_SEAL_TSA_URL (B-LT builds on B-T)")
    return Sealer(
        backend_from_env(env),
        timestamp_url=tsa,
        revocation=revocation,
        font_path=env.get("UAP_SEAL_FONT") or None,
        archival_timestamp=archival_timestamp_from_env(env, revocation),
    )


def archival_timestamp_from_env(env: Mapping[str, str], revocation: RevocationSources | None) -> bool:
    """``UAP_SEAL_DOC_TIMESTAMP``: follow the B-LT seal with a document time-stamp (B-LTA)."""
    wanted = _flag(env.get("UAP_SEAL_DOC_TIMESTAMP"))
    if wanted and revocation is None:
        raise ConfigError("UAP_SEAL_DOC_TIMESTAMP needs B-LT: set UAP_SEAL_TSA_URL and UAP_SEAL_CRLS/_REVOCATION_FETCH")
    return wanted


@functools.lru_cache(maxsize=1)
def default_sealer() -> Sealer:
    """The process-wide sealer (keys loaded and signer built only once)."""
    return sealer_from_env()


def trust_roots_from_env(env: Mapping[str, str] | None = None) -> list[x509.Certificate]:
    """Trust anchors for verification from ``UAP_SEAL_TRUST_ROOTS`` PEM paths."""
    env = os.environ if env is None else env
    roots: list[x509.Certificate] = []
    for path in _paths(env.get("UAP_SEAL_TRUST_ROOTS")):
        roots.extend(load_certificates(path.read_bytes()))
    return roots


class UnregisteredSealError(ConfigError):
    """The bureau has no seal valid now in the registry, or no key configured for it."""


def seal_keys_from_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``UAP_SEAL_KEYS``: JSON object bureau code -> key reference (a PEM path for the local
    backend, a KMS key id/alias for ``kms``). One seal key per issuing bureau (seed 003 二(七))."""
    env = os.environ if env is None else env
    raw = env.get("UAP_SEAL_KEYS") or ""
    if not raw.strip():
        return {}
    try:
        keys = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"UAP_SEAL_KEYS is not JSON: {exc}") from None
    if not isinstance(keys, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in keys.items()):
        raise ConfigError("UAP_SEAL_KEYS must map bureau codes to key references (strings)")
    return keys


_BUREAU_SEALERS: dict[tuple[str, str, str], Sealer] = {}
_BUREAU_LOCK = threading.Lock()


def sealer_for(
    authority: str,
    registry: SealRegistry,
    when: dt.datetime,
    env: Mapping[str, str] | None = None,
) -> Sealer:
    """The sealer of ``authority``'s seal registered at ``when``, built once per process per seal.

    The certificate comes from the registry (so a rotation published there is picked up without
    a deploy), the key from ``UAP_SEAL_KEYS``; a KMS key is checked against the certificate on
    first use, so an alias not yet moved to the new key fails loudly instead of sealing badly.
    """
    env = os.environ if env is None else env
    seal = registry.current_seal(authority, when)
    if seal is None:
        raise UnregisteredSealError(f"no seal of {authority!r} is registered as valid at {when.isoformat()}")
    key_ref = seal_keys_from_env(env).get(authority)
    if not key_ref:
        raise UnregisteredSealError(f"UAP_SEAL_KEYS has no key for {authority!r}")
    cache_key = (authority, seal.fingerprint, key_ref)
    sealer = _BUREAU_SEALERS.get(cache_key)
    if sealer is not None:
        return sealer
    from .seal import Sealer

    kind = env.get("UAP_SEAL_BACKEND") or "local"
    chain = _paths(env.get("UAP_SEAL_CHAIN"))
    backend: KeyBackend
    if kind == "kms":
        backend = KmsKeyBackend(key_ref, seal.certificate, chain, region_name=env.get("UAP_SEAL_KMS_REGION") or None)
    elif kind == "local":
        password = env.get("UAP_SEAL_KEY_PASSWORD")
        backend = LocalKeyBackend(key_ref, seal.certificate, chain, password=password.encode() if password else None)
    else:
        raise ConfigError(f"UAP_SEAL_BACKEND must be 'local' or 'kms', not {kind!r}")
    tsa = env.get("UAP_SEAL_TSA_URL") or None
    revocation = revocation_from_env(env)
    sealer = Sealer(
        backend,
        timestamp_url=tsa,
        revocation=revocation,
        font_path=env.get("UAP_SEAL_FONT") or None,
        archival_timestamp=archival_timestamp_from_env(env, revocation),
    )
    with _BUREAU_LOCK:
        if len(_BUREAU_SEALERS) >= 64:  # bounded: a handful of bureaus, a rotation now and then
            _BUREAU_SEALERS.clear()
        return _BUREAU_SEALERS.setdefault(cache_key, sealer)
