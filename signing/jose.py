"""Compact JWS (RFC 7515) signed by a seal key backend, verified against the seal registry.

Why JWS through PyJWT (already a dependency) rather than a hand-made format: the encoding, the
base64url handling and the verification of ES256/RS256 are the library's. Signing goes through
the :class:`~signing.keys.KeyBackend` (local PEM or AWS KMS, the same key that seals the PDFs), so
PyJWT gets a small algorithm adapter that asks the backend for the signature instead of holding a
private key; ECDSA signatures come back DER-encoded and are converted to JWS's raw ``r || s``.

The header names the signing seal by ``kid``: the first 16 hex digits of the SHA-256 fingerprint
of the seal certificate (8 bytes keep the QR code small; a verifier still checks the signature
against the full registered certificate, so a prefix collision can only fail, never pass).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwt.algorithms import Algorithm

from .keys import KeyBackend
from .registry import RegisteredSeal, SealRegistry

__all__ = [
    "KID_LENGTH",
    "JwsError",
    "Unverified",
    "kid_of",
    "read_unverified",
    "seals_for_kid",
    "sign_compact",
    "verify_compact",
]

KID_LENGTH = 16
_ALGORITHMS = {"ec": "ES256", "rsa": "RS256"}


class JwsError(ValueError):
    """The token is not a well-formed compact JWS of the expected type."""


class _BackendAlgorithm(Algorithm):
    """PyJWT algorithm whose "key" is a :class:`KeyBackend`: signing only."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def prepare_key(self, key: Any) -> Any:
        if not isinstance(key, KeyBackend):
            raise TypeError("a KeyBackend is required")
        return key

    def sign(self, msg: bytes, key: Any) -> bytes:
        signature: bytes = key.sign(msg)
        if self.kind == "ec":  # DER ECDSA-Sig-Value -> fixed-length r || s (RFC 7518 3.4)
            r, s = decode_dss_signature(signature)
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signature

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:  # pragma: no cover - never used
        raise NotImplementedError("verification uses PyJWT's own algorithms")

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:  # pragma: no cover - never used
        raise NotImplementedError

    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> Any:  # pragma: no cover - never used
        raise NotImplementedError


def kid_of(fingerprint: str) -> str:
    return fingerprint.lower()[:KID_LENGTH]


def sign_compact(backend: KeyBackend, typ: str, payload: dict[str, Any]) -> str:
    """``payload`` as compact UTF-8 JSON (CJK stays 3 bytes a character, not a 6-byte escape)."""
    from cryptography.hazmat.primitives import hashes

    algorithm = _ALGORITHMS[backend.algorithm]
    signer = jwt.PyJWS(algorithms=[])
    signer.register_algorithm(algorithm, _BackendAlgorithm(backend.algorithm))
    kid = kid_of(backend.certificate.fingerprint(hashes.SHA256()).hex())
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    key: Any = backend  # PyJWT hands it to _BackendAlgorithm.sign unchanged
    return signer.encode(body, key, algorithm=algorithm, headers={"kid": kid, "typ": typ})


@dataclass(frozen=True)
class Unverified:
    """What a token claims before its signature is checked."""

    kid: str
    typ: str
    algorithm: str
    payload: dict[str, Any]


def read_unverified(token: str, typ: str) -> Unverified:
    """Header and payload without checking the signature (to find the seal to check it with)."""
    try:
        header = jwt.get_unverified_header(token)
        raw = jwt.PyJWS().decode_complete(token, options={"verify_signature": False})["payload"]
        payload = json.loads(raw)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise JwsError(f"not a compact JWS: {exc}") from None
    if header.get("typ") != typ:
        raise JwsError(f"typ must be {typ!r}")
    kid, algorithm = header.get("kid"), header.get("alg")
    if not isinstance(kid, str) or len(kid) != KID_LENGTH or algorithm not in _ALGORITHMS.values():
        raise JwsError("kid (16 hex digits) and alg (ES256 or RS256) are required")
    if not isinstance(payload, dict):
        raise JwsError("the payload must be a JSON object")
    return Unverified(kid.lower(), typ, str(algorithm), payload)


def seals_for_kid(registry: SealRegistry, kid: str) -> list[RegisteredSeal]:
    return [s for s in registry.seals if s.fingerprint.startswith(kid)]


def verify_compact(token: str, seal: RegisteredSeal, algorithm: str) -> bool:
    """True when ``seal``'s certificate key made the signature (and its type suits ``algorithm``)."""
    key = seal.certificate.public_key()
    if (algorithm == "ES256") != isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        jwt.PyJWS().decode_complete(token, key=key, algorithms=[algorithm])  # type: ignore[arg-type]
    except jwt.PyJWTError:
        return False
    return True
