"""Local token issuer for the local stage and the tests (production uses Cognito).

Makes an ES256 key pair once under the local data folder and signs tokens with the same
claims Cognito puts in its tokens, so the API code path is identical.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

KEY_ID = "uap-local-1"


def ensure_keypair(folder: Path) -> tuple[Path, Path]:
    """Create `issuer-key.pem` (private) and `issuer-pub.pem` once; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / "issuer-key.pem", folder / "issuer-pub.pem"
    if not private_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        private_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        private_path.chmod(0o600)
        public_path.write_bytes(
            key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
    return private_path, public_path


def issue(
    private_pem: bytes,
    subject: str,
    roles: list[str],
    *,
    issuer: str,
    audience: str,
    name: str = "",
    department: str | None = None,
    centre: str | None = None,
    ttl_seconds: int = 3600,
    now: float | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """A Cognito-shaped ID token signed with the local key."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "iss": issuer,
        "aud": audience,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "token_use": "id",
        "cognito:groups": roles,
        "name": name,
    }
    if department:
        claims["custom:department"] = department
    if centre:
        claims["custom:centre"] = centre
    claims.update(extra or {})
    return jwt.encode(claims, private_pem, algorithm="ES256", headers={"kid": KEY_ID})
