"""Bearer-token verification: a signed JWT in, a `Principal` out.

Production tokens come from Amazon Cognito (claims `sub`, `cognito:groups`, `custom:department`,
`custom:centre`; audience in `aud` for ID tokens or `client_id` for access tokens). The local
stage and the tests use a local issuer (`infra/local_issuer.py`) with the same claims. Only
asymmetric algorithms are accepted, so a leaked verification key cannot mint tokens, and each key
verifies only its own algorithm (RS256 for RSA keys, ES256 for P-256 keys): a token whose header
names another algorithm is `TOKEN_INVALID`, never a crash.

`UAP_JWT_KEYS` is PEM or a JWKS document (inline or a file path), or the URL of a JWKS
(`https://…`, e.g. a Cognito pool's `/.well-known/jwks.json`; plain `http://` only on the
loopback interface, for local tests). A URL is fetched with PyJWT's `PyJWKClient`, which caches
the key set for five minutes and refetches when a token names an unknown `kid` (key rotation),
at most once per 30 s cooldown so tokens with made-up `kid`s cannot hammer the key endpoint.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

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


AUTH_UNAVAILABLE = "AUTH_UNAVAILABLE"


class KeySourceUnavailable(ApiError):
    """The JWKS URL could not be fetched: our problem, not the caller's (HTTP 503)."""


JWKS_CACHE_SECONDS = 300
JWKS_TIMEOUT_SECONDS = 5
JWKS_REFRESH_COOLDOWN_SECONDS = 30.0


def is_jwks_url(source: str) -> bool:
    """https anywhere; http only to the loopback interface (a local test server)."""
    parts = urlsplit(source.strip())
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost", "::1"}


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    """One client per process: its key-set cache survives across warm Lambda invocations."""
    return jwt.PyJWKClient(
        url,
        cache_keys=True,
        lifespan=JWKS_CACHE_SECONDS,
        timeout=JWKS_TIMEOUT_SECONDS,
        cooldown_duration=JWKS_REFRESH_COOLDOWN_SECONDS,
    )


def _algorithm_for(key: Any) -> str | None:
    """The one algorithm a key verifies; None for key types we do not accept."""
    if isinstance(key, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    return None


def _key_for(token: str, header: dict[str, Any], source: str) -> Any:
    if is_jwks_url(source):
        try:
            return _jwks_client(source.strip()).get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as error:
            raise KeySourceUnavailable(AUTH_UNAVAILABLE, "暂时无法获取令牌验证密钥,请稍后重试") from error
        except jwt.PyJWKClientError as error:
            raise TokenError(TOKEN_INVALID, "令牌签名密钥未知") from error
    keys = _keys(source)
    if not keys:
        raise TokenError(TOKEN_INVALID, "服务未配置令牌验证密钥")
    key = keys.get(header.get("kid")) or keys.get(None)
    if key is None:
        raise TokenError(TOKEN_INVALID, "令牌签名密钥未知")
    return key


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


#: A verified token's principal is reused for at most this long (and never past the token's own
#: `exp`): the same bound as the JWKS key-set cache above, so a key withdrawn from the key set stops
#: admitting its tokens within the same five minutes either way.
VERIFIED_TOKEN_SECONDS = 300.0
#: Entries kept per process (least recently used dropped first): a warm Lambda serves a few callers.
VERIFIED_TOKEN_ENTRIES = 256


class VerifiedTokens:
    """Per-process cache of tokens that verified: the exact token text (with the key source, issuer
    and audience it was checked against) -> its principal, until `min(exp, verified + bound)`.

    ES256 verification is a quarter of a millisecond on every authenticated request, and a front
    end sends the same bearer token for many requests. Keyed by the whole token string, so a
    different token (another caller, or one altered in any byte) never matches an entry and is
    verified in full; a refused token is never stored. `Principal` is frozen, so a shared entry
    cannot be changed by a request.
    """

    def __init__(self, bound_s: float = VERIFIED_TOKEN_SECONDS, entries: int = VERIFIED_TOKEN_ENTRIES) -> None:
        self.bound_s = bound_s
        self.entries = entries
        self._items: OrderedDict[tuple[str, str, str, str], tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str, str], now: float) -> Principal | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            principal, until = found
            if now >= until:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return principal

    def put(self, key: tuple[str, str, str, str], principal: Principal, expires_at: float, now: float) -> None:
        until = min(expires_at, now + self.bound_s)
        if until <= now:
            return
        with self._lock:
            self._items[key] = (principal, until)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


verified_tokens = VerifiedTokens()


def _now() -> float:
    return time.time()


def verify_token(token: str, settings: Settings) -> Principal:
    """The token's principal: from the verified-token cache when this exact token verified
    against the same configuration less than `VERIFIED_TOKEN_SECONDS` ago and before its `exp`."""
    key = (token, settings.jwt_keys, settings.jwt_issuer, settings.jwt_audience)
    now = _now()
    cached = verified_tokens.get(key, now)
    if cached is not None:
        return cached
    principal, expires_at = _verify(token, settings)
    verified_tokens.put(key, principal, expires_at, now)
    return principal


def _verify(token: str, settings: Settings) -> tuple[Principal, float]:
    """Full verification: signature, algorithm, issuer, expiry, audience, staff scope."""
    if not settings.jwt_keys.strip():
        raise TokenError(TOKEN_INVALID, "服务未配置令牌验证密钥")
    try:
        header = jwt.get_unverified_header(token)
        key = _key_for(token, header, settings.jwt_keys)
        algorithm = _algorithm_for(key)
        if algorithm is None or header.get("alg") != algorithm:
            raise TokenError(TOKEN_INVALID, "令牌签名算法与验证密钥不符")
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[algorithm],
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
    return _principal(claims), float(claims["exp"])


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
