"""The per-process cache of verified bearer tokens (api/auth.py `VerifiedTokens`, issue 14 point 3).

A token's principal is reused only for that exact token string, checked against the same key
source, issuer and audience, for at most `VERIFIED_TOKEN_SECONDS` and never past the token's `exp`;
refused tokens are never stored. These tests count the full verifications behind each answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from chalicelib.api import auth
from chalicelib.api.auth import TOKEN_AUDIENCE, TOKEN_EXPIRED, TOKEN_INVALID, TokenError, verify_token
from chalicelib.config import Settings, get_settings
from chalicelib.domain.identity import Principal, Role
from infra import local_issuer
from tests.conftest import AUDIENCE, ISSUER


class Clock:
    def __init__(self) -> None:
        self.now = time.time()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The cache's clock (PyJWT's own expiry check reads the real one: tokens are issued near it)."""
    held = Clock()
    monkeypatch.setattr(auth, "_now", lambda: held.now)
    auth.verified_tokens.clear()
    yield held
    auth.verified_tokens.clear()


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token that went through full verification (signature and claims), in order."""
    seen: list[str] = []
    original = auth._verify

    def counting(token: str, settings: Settings) -> tuple[Principal, float]:
        seen.append(token)
        return original(token, settings)

    monkeypatch.setattr(auth, "_verify", counting)
    return seen


@pytest.fixture
def settings(issuer_keys: tuple[bytes, bytes]) -> Settings:
    return replace(get_settings(), jwt_keys=issuer_keys[1].decode(), jwt_issuer=ISSUER, jwt_audience=AUDIENCE)


def _token(issuer_keys: tuple[bytes, bytes], subject: str, roles: list[str], **kwargs: object) -> str:
    return local_issuer.issue(issuer_keys[0], subject, roles, issuer=ISSUER, audience=AUDIENCE, **kwargs)  # type: ignore[arg-type]


def test_each_callers_token_gets_its_own_principal(
    issuer_keys: tuple[bytes, bytes], settings: Settings, clock: Clock, full_checks: list[str]
) -> None:
    wang = _token(issuer_keys, "applicant-wang", ["applicant"])
    li = _token(issuer_keys, "clerk-li", ["clerk"], department="dept-a", centre="centre-a")
    for _ in range(3):
        assert verify_token(wang, settings).subject == "applicant-wang"
        clerk = verify_token(li, settings)
        assert clerk.subject == "clerk-li" and clerk.roles == frozenset({Role.CLERK})
        assert (clerk.department_id, clerk.centre_id) == ("dept-a", "centre-a")
    assert full_checks == [wang, li]  # verified once each, then served from the cache


def test_a_token_altered_in_any_byte_is_verified_in_full_and_refused(
    issuer_keys: tuple[bytes, bytes], settings: Settings, clock: Clock, full_checks: list[str]
) -> None:
    genuine = _token(issuer_keys, "applicant-wang", ["applicant"])
    assert verify_token(genuine, settings).subject == "applicant-wang"
    header, payload, signature = genuine.split(".")
    forged_signature = f"{header}.{payload}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    # the same header and signature over another caller's claims
    other = _token(issuer_keys, "applicant-zhao", ["applicant"]).split(".")[1]
    for forged in (forged_signature, f"{header}.{other}.{signature}", genuine + " "):
        with pytest.raises(TokenError) as refused:
            verify_token(forged, settings)
        assert refused.value.code == TOKEN_INVALID
    assert full_checks == [genuine, forged_signature, f"{header}.{other}.{signature}", genuine + " "]
    # nothing refused was stored
    with pytest.raises(TokenError):
        verify_token(forged_signature, settings)


def test_a_cached_token_is_checked_again_against_other_settings(
    issuer_keys: tuple[bytes, bytes],
    settings: Settings,
    clock: Clock,
    full_checks: list[str],
    tmp_path: Path,
) -> None:
    token = _token(issuer_keys, "applicant-wang", ["applicant"])
    verify_token(token, settings)
    with pytest.raises(TokenError) as refused:
        verify_token(token, replace(settings, jwt_audience="another-api"))
    assert refused.value.code == TOKEN_AUDIENCE
    _, other_public = local_issuer.ensure_keypair(tmp_path)  # another issuer key: the signature fails
    with pytest.raises(TokenError) as refused:
        verify_token(token, replace(settings, jwt_keys=other_public.read_text()))
    assert refused.value.code == TOKEN_INVALID
    assert len(full_checks) == 3


def test_an_entry_is_used_for_at_most_the_bound(
    issuer_keys: tuple[bytes, bytes], settings: Settings, clock: Clock, full_checks: list[str]
) -> None:
    token = _token(issuer_keys, "applicant-wang", ["applicant"], ttl_seconds=3600)
    verify_token(token, settings)
    clock.now += auth.VERIFIED_TOKEN_SECONDS - 1
    verify_token(token, settings)
    assert len(full_checks) == 1
    clock.now += 1  # the bound reached: verified in full again
    verify_token(token, settings)
    assert len(full_checks) == 2


def test_an_entry_never_outlives_the_tokens_expiry(
    issuer_keys: tuple[bytes, bytes], settings: Settings, clock: Clock, full_checks: list[str]
) -> None:
    # issued so that it expires in 60 s, well inside the cache's bound
    issued = time.time() - 3600 + 60
    token = _token(issuer_keys, "applicant-wang", ["applicant"], now=issued)
    clock.now = time.time()
    verify_token(token, settings)
    clock.now = issued + 3600  # its exp: the entry is gone, the token is verified in full again
    verify_token(token, settings)  # (PyJWT's real clock and its 30 s leeway still accept it)
    assert len(full_checks) == 2


def test_an_expired_token_is_refused_even_after_it_was_accepted(
    issuer_keys: tuple[bytes, bytes], settings: Settings, clock: Clock, full_checks: list[str]
) -> None:
    # exp 20 s ago: PyJWT still accepts it within its 30 s leeway, and the cache must not keep it
    token = _token(issuer_keys, "applicant-wang", ["applicant"], now=time.time() - 3620)
    assert verify_token(token, settings).subject == "applicant-wang"
    assert len(auth.verified_tokens._items) == 0  # already past exp: not stored
    expired = _token(issuer_keys, "applicant-wang", ["applicant"], now=time.time() - 7200)
    with pytest.raises(TokenError) as refused:
        verify_token(expired, settings)
    assert refused.value.code == TOKEN_EXPIRED
    assert len(auth.verified_tokens._items) == 0


def test_the_cache_keeps_a_bounded_number_of_entries(clock: Clock) -> None:
    cache = auth.VerifiedTokens(bound_s=300, entries=3)
    principals = {f"t{i}": Principal(subject=f"user-{i}", roles=frozenset()) for i in range(5)}
    for token, principal in principals.items():
        cache.put((token, "k", "i", "a"), principal, expires_at=clock.now + 3600, now=clock.now)
    kept = {token for token in principals if cache.get((token, "k", "i", "a"), clock.now) is not None}
    assert kept == {"t2", "t3", "t4"}  # least recently used dropped first
    for token in kept:
        found = cache.get((token, "k", "i", "a"), clock.now)
        assert found is principals[token]
