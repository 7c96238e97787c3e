"""The API's copy of the seal registry: re-read after its TTL so an operator rotates a seal without
a deploy; a bad upload or an older version never replaces the good one (issuance must go on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.services.seal_registry import SealRegistryCache
from tests.conftest import SEAL_AUTHORITIES


@pytest.fixture
def registry_file(seal_pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "registry.json"
    path.write_bytes((seal_pki / "seal-registry.json").read_bytes())
    monkeypatch.setenv("UAP_SEAL_REGISTRY", str(path))
    monkeypatch.setenv("UAP_SEAL_REGISTRY_TTL", "60")
    return path


def _bump(path: Path, version: int, **changes: object) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc.update(version=version, **changes)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_read_once_per_ttl_and_a_new_version_is_picked_up(registry_file: Path) -> None:
    now = [0.0]
    cache = SealRegistryCache(monotonic=lambda: now[0])
    first = cache.current()
    assert first is not None and first.version == 1 and cache.reads == 1
    codes = {a["code"] for a in json.loads(SEAL_AUTHORITIES.read_text(encoding="utf-8"))["authorities"]}
    assert set(first.authorities) == codes
    _bump(registry_file, 2)
    now[0] = 59.0
    assert cache.current() is first and cache.reads == 1  # within the TTL: no read at all
    now[0] = 61.0
    assert cache.current().version == 2 and cache.reads == 2


def test_a_broken_or_older_upload_keeps_the_good_registry(
    registry_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = registry_file.read_text(encoding="utf-8")
    now = [0.0]
    cache = SealRegistryCache(monotonic=lambda: now[0])
    _bump(registry_file, 3)
    assert cache.current().version == 3
    registry_file.write_text("{ not json", encoding="utf-8")
    now[0] = 100.0
    assert cache.current().version == 3
    assert "could not be loaded" in caplog.text
    registry_file.write_text(good, encoding="utf-8")
    _bump(registry_file, 2)  # an older version uploaded by mistake
    now[0] = 200.0
    assert cache.current().version == 3
    assert "went back from v3 to v2" in caplog.text


def test_no_registry_configured_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UAP_SEAL_REGISTRY", raising=False)
    assert SealRegistryCache().current() is None
    monkeypatch.setenv("UAP_SEAL_REGISTRY", "/nonexistent/registry.json")
    assert SealRegistryCache().current() is None


def test_the_registry_can_live_in_the_certificate_bucket(
    registry_file: Path, stage_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deployed stages read `blob:certificates/seal-registry/registry.json`: uploading a new version rotates."""
    from chalicelib.config import get_settings
    from chalicelib.storage.blobs import blob_store_from_config

    blob_store_from_config(get_settings()).put(
        "certificates/seal-registry/registry.json", registry_file.read_bytes(), "application/json"
    )
    monkeypatch.setenv("UAP_SEAL_REGISTRY", "blob:certificates/seal-registry/registry.json")
    registry = SealRegistryCache().current()
    assert registry is not None and "city-bureau" in registry.authorities
    monkeypatch.setenv("UAP_SEAL_REGISTRY", "blob:certificates/seal-registry/missing.json")
    assert SealRegistryCache().current() is None
