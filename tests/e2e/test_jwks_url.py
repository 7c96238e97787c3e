"""`UAP_JWT_KEYS` as a JWKS URL (issue 16): keys are fetched with PyJWT's `PyJWKClient` and
cached; a rotated key is picked up; an unreachable key set answers 503, never a 500."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.conftest import AUDIENCE, ISSUER, Api


class JwksServer:
    """A local HTTP server publishing a JWKS and counting how often it is fetched."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.fetches += 1
                body = json.dumps({"keys": owner.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"

    def publish(self, kid: str, key: Any) -> None:
        jwk = json.loads(jwt.algorithms.get_default_algorithms()[_alg(key)].to_jwk(key.public_key()))
        self.keys.append({**jwk, "kid": kid, "use": "sig"})


def _alg(key: Any) -> str:
    return "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"


def _token(key: Any, kid: str) -> str:
    now = int(time.time())
    claims = {
        "sub": "u1",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
        "cognito:groups": ["applicant"],
    }
    return jwt.encode(claims, key, algorithm=_alg(key), headers={"kid": kid})


@pytest.fixture
def jwks(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[JwksServer]:
    from chalicelib.api import auth
    from chalicelib.config import get_settings

    server = JwksServer()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("UAP_JWT_KEYS", server.url)
    get_settings.cache_clear()
    get_settings()  # cached before the test client sets the local stage's variables
    auth._jwks_client.cache_clear()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
        auth._jwks_client.cache_clear()


def _me(api: Api, token: str) -> tuple[int, Any]:
    return api.post({"query": "{ me { subject } }"}, token=token)


def test_keys_come_from_the_url_and_are_cached(api: Api, jwks: JwksServer) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks.publish("rsa-1", rsa_key)
    jwks.publish("ec-1", ec_key)
    for key, kid in [(rsa_key, "rsa-1"), (ec_key, "ec-1"), (rsa_key, "rsa-1")]:
        status, body = _me(api, _token(key, kid))
        assert status == 200 and body["data"]["me"]["subject"] == "u1", body
    assert jwks.fetches == 1  # one fetch for three tokens: the key set is cached

    rotated = ec.generate_private_key(ec.SECP256R1())
    jwks.publish("ec-2", rotated)  # key rotation: within the refresh cooldown the new kid is unknown
    status, _ = _me(api, _token(rotated, "ec-2"))
    assert status == 401 and jwks.fetches == 1


def test_a_rotated_key_is_fetched_after_the_cooldown(
    api: Api, jwks: JwksServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.api import auth

    monkeypatch.setattr(auth, "JWKS_REFRESH_COOLDOWN_SECONDS", 0.0)
    first = ec.generate_private_key(ec.SECP256R1())
    jwks.publish("ec-1", first)
    assert _me(api, _token(first, "ec-1"))[0] == 200
    rotated = ec.generate_private_key(ec.SECP256R1())
    jwks.publish("ec-2", rotated)
    status, _ = _me(api, _token(rotated, "ec-2"))
    assert status == 200 and jwks.fetches == 2


def test_unknown_kid_and_mismatched_alg_are_token_invalid(api: Api, jwks: JwksServer) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.publish("rsa-1", rsa_key)
    stranger = ec.generate_private_key(ec.SECP256R1())
    for token in [_token(stranger, "nobody"), _token(stranger, "rsa-1")]:  # unknown kid; ES256 on an RSA key
        status, body = _me(api, token)
        assert status == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_INVALID", body


def test_unreachable_key_set_is_503(api: Api, jwks: JwksServer) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwks.server.shutdown()
    jwks.server.server_close()  # nothing listens on the URL any more
    status, body = _me(api, _token(key, "ec-1"))
    assert status == 503 and body["errors"][0]["extensions"]["code"] == "AUTH_UNAVAILABLE", body


def test_only_https_or_loopback_urls_count_as_jwks_urls() -> None:
    from chalicelib.api.auth import is_jwks_url

    assert is_jwks_url("https://cognito-idp.cn-north-1.amazonaws.com.cn/pool/.well-known/jwks.json")
    assert is_jwks_url("http://127.0.0.1:9000/jwks.json")
    assert not is_jwks_url("http://example.com/jwks.json")  # keys over plain HTTP could be swapped
    assert not is_jwks_url("-----BEGIN PUBLIC KEY-----")
