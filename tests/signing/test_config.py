"""Environment configuration of backends and sealers."""

from __future__ import annotations

import pytest

from signing.config import (
    ConfigError,
    backend_from_env,
    revocation_from_env,
    sealer_from_env,
    trust_roots_from_env,
)
from signing.keys import LocalKeyBackend

from .conftest import Pki


def test_local_backend_from_env(pki: Pki) -> None:
    env = {
        "UAP_SEAL_KEY": str(pki.dev.seal_key),
        "UAP_SEAL_CERT": str(pki.dev.seal_cert),
        "UAP_SEAL_CHAIN": str(pki.dev.ca_cert),
    }
    backend = backend_from_env(env)
    assert isinstance(backend, LocalKeyBackend)
    assert backend.chain == (pki.ca_cert,)
    sealer = sealer_from_env(env)
    assert sealer.level == "B-B"


def test_levels_and_errors_from_env(pki: Pki, tmp_path: object) -> None:
    base = {"UAP_SEAL_KEY": str(pki.dev.seal_key), "UAP_SEAL_CERT": str(pki.dev.seal_cert)}
    assert sealer_from_env({**base, "UAP_SEAL_TSA_URL": "http://127.0.0.1:9/tsa"}).level == "B-T"
    lt = {**base, "UAP_SEAL_TSA_URL": "http://127.0.0.1:9/tsa", "UAP_SEAL_CRLS": str(pki.dev.crl)}
    assert sealer_from_env(lt).level == "B-LT"
    assert sealer_from_env({**lt, "UAP_SEAL_DOC_TIMESTAMP": "1"}).level == "B-LTA"
    with pytest.raises(ConfigError, match="B-LT"):  # a document time-stamp without validation data
        sealer_from_env({**base, "UAP_SEAL_TSA_URL": "http://127.0.0.1:9/tsa", "UAP_SEAL_DOC_TIMESTAMP": "1"})
    assert revocation_from_env(base) is None
    with pytest.raises(ConfigError, match="B-T"):
        sealer_from_env({**base, "UAP_SEAL_REVOCATION_FETCH": "1"})
    with pytest.raises(ConfigError, match="UAP_SEAL_CERT"):
        backend_from_env({})
    with pytest.raises(ConfigError, match="UAP_SEAL_KEY"):
        backend_from_env({"UAP_SEAL_CERT": "x"})
    with pytest.raises(ConfigError, match="local"):
        backend_from_env({"UAP_SEAL_CERT": "x", "UAP_SEAL_BACKEND": "hsm"})


def test_trust_roots_from_env(pki: Pki) -> None:
    roots = trust_roots_from_env({"UAP_SEAL_TRUST_ROOTS": str(pki.dev.ca_cert)})
    assert roots == [pki.ca_cert]
    assert trust_roots_from_env({}) == []
