"""Bearer-token verification: a signed JWT in, a `Principal` out.

Production tokens come from Amazon Cognito (claims `sub`, `cognito:groups`, `custom:department`,
`custom:centre`; audience in `aud` for ID tokens or `client_id` for access tokens). The local
stage and the tests use a local issuer (`infra/local_issuer.py`) with the same claims. Only
asymmetric algorithms are accepted, so a leaked verification key cannot mint tokens.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

import jwt

from chalicelib.api.errors import ApiError
from chalicelib.config import Settings
from chalicelib.domain.identity import ANONYMOUS, STAFF_ROLES, Principal, Role

ALGORITHMS = ["RS256", "ES256"]

TOKEN_INVALID = "TOKEN_INVALID"
TOKEN_EXPIRED = "TOKEN_EXPIRED"
TOKEN_AUDIENCE = "TOKEN_AUDIENCE"
TOKEN_ISSUER = "TOKEN_ISSUER"
TOKEN_SCOPE = "TOKEN_SCOPE"


class TokenError(ApiError):
    """Any token problem; the view answers HTTP 401 with this code."""


@lru_cache(maxsize=4)
def _keys(source: str) -> dict[str | None, Any]:
    """Parse the configured keys once per process: PEM or JWKS, inline or a file path."""
    text = source
    if source and not source.lstrip().startswith(("{", "-----")) and os.path.exists(source):
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    keys: dict[str | None, Any] = {}
    if text.lstrip().startswith("{"):
        for jwk in json.loads(text).get("keys", []):
            keys[jwk.get("kid")] = jwt.PyJWK(jwk).key
    elif text.strip():
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        for block in text.split("-----END PUBLIC KEY-----"):
            if "-----BEGIN PUBLIC KEY-----" in block:
                pem = (block.strip() + "\n-----END PUBLIC KEY-----\n").encode()
                keys.setdefault(None, load_pem_public_key(pem))
    return keys


def principal_from_header(header: str | None, settings: Settings) -> Principal:
    """`Authorization` header -> Principal; no header -> anonymous; a bad token -> TokenError."""
    if not header:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError(TOKEN_INVALID, "认证信息格式错误,应为 Bearer 令牌")
    return verify_token(token.strip(), settings)


def verify_token(token: str, settings: Settings) -> Principal:
    keys = _keys(settings.jwt_keys)
    if not keys:
        raise TokenError(TOKEN_INVALID, "服务未配置令牌验证密钥")
    try:
        header = jwt.get_unverified_header(token)
        key = keys.get(header.get("kid")) or keys.get(None)
        if key is None:
            raise TokenError(TOKEN_INVALID, "令牌签名密钥未知")
        claims = jwt.decode(
            token,
            key=key,
            algorithms=ALGORITHMS,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_aud": False},
            leeway=30,
        )
    except jwt.ExpiredSignatureError as error:
        raise TokenError(TOKEN_EXPIRED, "令牌已过期,请重新登录") from error
    except jwt.InvalidIssuerError as error:
        raise TokenError(TOKEN_ISSUER, "令牌签发方不受信任") from error
    except jwt.PyJWTError as error:
        raise TokenError(TOKEN_INVALID, "令牌无效") from error
    audience = claims.get("aud", claims.get("client_id"))
    audiences = audience if isinstance(audience, list) else [audience]
    if settings.jwt_audience not in audiences:
        raise TokenError(TOKEN_AUDIENCE, "令牌不是签发给本服务的")
    return _principal(claims)


def _principal(claims: dict[str, Any]) -> Principal:
    groups = claims.get("cognito:groups", [])
    known = {r.value: r for r in Role}
    roles = frozenset(known[g] for g in groups if isinstance(g, str) and g in known)
    department = claims.get("custom:department") or None
    centre = claims.get("custom:centre") or None
    if roles & STAFF_ROLES and not (department and centre):
        raise TokenError(TOKEN_SCOPE, "工作人员令牌缺少所属部门或中心")
    return Principal(
        subject=str(claims["sub"]),
        roles=roles,
        name=str(claims.get("name", "")),
        department_id=department,
        centre_id=centre,
        identifier=str(claims.get("custom:identifier") or "").strip().upper() or None,
    )
