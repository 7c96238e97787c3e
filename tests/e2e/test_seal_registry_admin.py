"""Seal registry administration over GraphQL (issue 13 point 4; seed 003 二(七)), through `/graphql`.

Seed 003 二(七): 「由市政府发布文件公告,明确各新区行政审批局……电子签章的法律效力」— each bureau's own e-seal,
with the notice that gives it legal effect, is what verifiers pin; its administrators register a
rotation (a new seal certificate and its validity) as the next version of the registry, and the
next document the bureau seals carries the new seal.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.conftest import Api, CallCounter, Clock
from tests.e2e.test_written_decisions import REFUSAL, documents, pinned
from tests.lifecycle_desk import MONDAY, Desk, gid

READ = """query($id: ID!) { bureauSealRegistry(bureauId: $id) { bureauId name legalBasis registryVersion publishedAt
  seals { fingerprint subject validFrom validTo replaces note current certificateNotBefore certificateNotAfter } } }"""
ROTATE = """mutation($input: SealRotationRegisterInput!) { sealRotationRegister(input: $input) {
  bureau { registryVersion legalBasis seals { fingerprint validFrom validTo replaces current } }
  userErrors { field code message } } }"""
CITY = gid("Department", "city-bureau")
NEW_BASIS = "《舟山市人民政府关于舟山市行政审批局启用新电子印章的公告》(开发环境示例)"


@pytest.fixture
def registry_copy(seal_pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A per-test copy of the registry (a rotation publishes a new version of it)."""
    from chalicelib.services.seal_registry import REGISTRY

    path = tmp_path / "seal-registry.json"
    shutil.copy(seal_pki / "seal-registry.json", path)
    monkeypatch.setenv("UAP_SEAL_REGISTRY", str(path))
    REGISTRY.invalidate()
    yield path
    REGISTRY.invalidate()


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def new_seal(
    seal_pki: Path, tmp_path: Path, authority: str, *, days: int = 365, ca: str = "ca"
) -> tuple[str, Path, x509.Certificate]:
    """A new seal key and its certificate from the dev CA (or another CA): PEM, key path, cert."""
    from signing.devpki import issue_seal_certificate, new_key

    if ca == "ca":
        ca_cert = x509.load_pem_x509_certificate((seal_pki / "ca.pem").read_bytes())
        ca_key: Any = serialization.load_pem_private_key((seal_pki / "ca-key.pem").read_bytes(), None)
    else:  # a self-made CA nobody trusts
        from signing.devpki import ensure_dev_pki

        other = tmp_path / "other-ca"
        ensure_dev_pki(other)
        ca_cert = x509.load_pem_x509_certificate((other / "ca.pem").read_bytes())
        ca_key = serialization.load_pem_private_key((other / "ca-key.pem").read_bytes(), None)
    key = new_key("ec")
    start = datetime.now(UTC) - timedelta(minutes=1)
    cert = issue_seal_certificate(key.public_key(), ca_cert, ca_key, authority=authority, not_before=start, days=days)
    key_path = tmp_path / f"seal-{cert.serial_number}.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_path, cert


def rotate(api: Api, value: dict[str, Any], as_: str = "admin-xu") -> dict[str, Any]:
    body = api.gql(ROTATE, {"input": {"bureauId": CITY, **value}}, as_=as_)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["sealRotationRegister"]
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    assert payload["bureau"] is None and all(e["message"] for e in payload["userErrors"]), payload
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def test_seed003_an_administrator_rotates_the_bureau_seal_and_the_next_document_carries_it(
    desk: Desk, registry_copy: Path, seal_pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = desk.api
    before = api.gql(READ, {"id": CITY}, as_="admin-xu")["data"]["bureauSealRegistry"]
    assert before["name"] == "舟山市行政审批局" and before["registryVersion"] == 1
    [old] = before["seals"]
    assert old["current"] is True and old["validTo"] is None and "舟山市行政审批局" in old["subject"]

    pem, key_path, _cert = new_seal(seal_pki, tmp_path, "舟山市行政审批局")
    start = datetime.now(UTC) + timedelta(seconds=2)
    value = {
        "certificatePem": pem,
        "validFrom": start.isoformat(),
        "validTo": (start + timedelta(days=300)).isoformat(),
        "legalBasis": NEW_BASIS,
        "note": "年度轮换",
        "expectedVersion": 1,
    }
    done = rotate(api, value)
    assert done["userErrors"] == [], done
    bureau = done["bureau"]
    assert bureau["registryVersion"] == 2 and bureau["legalBasis"] == NEW_BASIS
    closed, added = bureau["seals"]
    assert closed["fingerprint"] == old["fingerprint"] and closed["validTo"] == added["validFrom"]
    assert added["replaces"] == old["fingerprint"] and added["current"] is False  # starts in two seconds
    published = json.loads(registry_copy.read_text(encoding="utf-8"))
    assert (
        published["version"] == 2
        and len(published["seals"])
        == len(json.loads((seal_pki / "seal-registry.json").read_text(encoding="utf-8"))["seals"]) + 1
    )

    # A retry of the same call is refused (the version moved): nothing registered twice.
    assert ("expectedVersion", "STALE_VERSION") in codes(rotate(api, value))

    # The key moves with the seal (a KMS alias in production), and the next decision is sealed with it.
    keys = json.loads(os.environ["UAP_SEAL_KEYS"])
    monkeypatch.setenv("UAP_SEAL_KEYS", json.dumps({**keys, "city-bureau": str(key_path)}))
    time.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()) + 0.2)
    filed = desk.file("ZS-SCJG-001")
    desk.ok("intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, as_="clerk-li")
    [doc] = documents(api, filed["id"])
    assert doc["status"] == "SEALED", doc
    from signing import verify_pdf
    from signing.registry import load_registry, pin_registered_seal

    raw = verify_pdf(base64.b64decode(doc["pdfBase64"]), [(seal_pki / "ca.pem").read_bytes()])
    report = pin_registered_seal(raw, load_registry(registry_copy.read_bytes()), "city-bureau")
    assert report.passed and report.registration.registry_version == 2, report.to_dict()
    assert report.identity.sha256_fingerprint.replace(":", "").lower() == added["fingerprint"]
    # Against the old registry (before the rotation) the new seal is not registered.
    assert (
        pinned(base64.b64decode(doc["pdfBase64"]), seal_pki, "city-bureau").registration.code == "SEAL_NOT_REGISTERED"
    )
    after = api.gql(READ, {"id": CITY}, as_="admin-xu")["data"]["bureauSealRegistry"]
    assert [s["current"] for s in after["seals"]] == [False, True]


def test_seed003_rotation_bad_input_all_at_once_and_nothing_published(
    desk: Desk, registry_copy: Path, seal_pki: Path, tmp_path: Path
) -> None:
    api = desk.api
    original = registry_copy.read_bytes()
    pem, _, _cert = new_seal(seal_pki, tmp_path, "定海区行政审批局", days=30)  # another bureau's name, 30 days
    start = datetime.now(UTC) - timedelta(days=1)
    wrong = {
        "certificatePem": pem,
        "validFrom": start.isoformat(),
        "validTo": (start + timedelta(days=400)).isoformat(),
        "expectedVersion": 1,
        "note": "x" * 201,
    }
    assert sorted(codes(rotate(api, wrong))) == sorted(
        [
            ("certificatePem", "CERTIFICATE_NOT_FOR_BUREAU"),
            ("validFrom", "STARTS_IN_THE_PAST"),
            ("validFrom", "KEY_OUTSIDE_VALIDITY"),
            ("validFrom", "OVERLAPPING_VALIDITY"),  # before the current seal even started
            ("note", "OUT_OF_RANGE"),
        ]
    )
    later = datetime.now(UTC) + timedelta(days=1)
    period = {"validFrom": later.isoformat(), "validTo": (later + timedelta(days=10)).isoformat()}
    assert codes(rotate(api, {**period, "certificatePem": "not a certificate", "expectedVersion": 1})) == [
        ("certificatePem", "CERTIFICATE_INVALID")
    ]
    assert codes(rotate(api, {**period, "certificatePem": pem, "expectedVersion": 7})) == [
        ("expectedVersion", "STALE_VERSION")
    ]
    untrusted, _, _ = new_seal(seal_pki, tmp_path, "舟山市行政审批局", ca="other")
    assert codes(rotate(api, {**period, "certificatePem": untrusted, "expectedVersion": 1})) == [
        ("certificatePem", "CERTIFICATE_NOT_TRUSTED")
    ]
    registered = json.loads(original)["seals"]
    current = next(s["certificate"] for s in registered if s["authority"] == "city-bureau")
    assert ("certificatePem", "ALREADY_REGISTERED") in codes(
        rotate(api, {**period, "certificatePem": current, "expectedVersion": 1})
    )
    backwards = {"validFrom": later.isoformat(), "validTo": later.isoformat()}
    good, _, _ = new_seal(seal_pki, tmp_path, "舟山市行政审批局")
    assert codes(rotate(api, {**backwards, "certificatePem": good, "expectedVersion": 1})) == [
        ("validTo", "INVALID_PERIOD")
    ]
    assert registry_copy.read_bytes() == original  # refused rotations publish nothing

    # A rotation accepted, a second one starting before it is overlapping.
    assert rotate(api, {**period, "certificatePem": good, "expectedVersion": 1})["userErrors"] == []
    earlier = datetime.now(UTC) + timedelta(hours=1)
    third, _, _ = new_seal(seal_pki, tmp_path, "舟山市行政审批局")
    span = {"validFrom": earlier.isoformat(), "validTo": (earlier + timedelta(days=5)).isoformat()}
    assert ("validFrom", "OVERLAPPING_VALIDITY") in codes(
        rotate(api, {**span, "certificatePem": third, "expectedVersion": 2})
    )


def test_seed003_seal_registry_scope_follows_the_organisation(
    desk: Desk, registry_copy: Path, ddb_calls: CallCounter
) -> None:
    """A city administrator sees the bureaus of its subtree; a zone administrator (jintang, which has
    no bureau) sees none of them, exactly as an unknown bureau; others are refused by role."""
    api = desk.api
    for bureau in ("city-bureau", "dinghai-bureau"):
        body = api.gql(READ, {"id": gid("Department", bureau)}, as_="admin-xu")
        assert "errors" not in body, body
    for bureau in ("city-bureau", "no-such-bureau", "city-service-office"):
        body = api.gql(READ, {"id": gid("Department", bureau)}, as_="admin-jt-cai")
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
    body = api.gql(READ, {"id": CITY}, as_="clerk-li")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    later = datetime.now(UTC) + timedelta(days=1)
    value = {"certificatePem": "x", "validFrom": later.isoformat(), "validTo": later.isoformat(), "expectedVersion": 1}
    assert codes(rotate(api, value, as_="admin-jt-cai")) == [("bureauId", "NOT_FOUND")]
    # Reading costs the bureau's record and the centre tree (no registry request: it is a document).
    ddb_calls.reset()
    api.gql(READ, {"id": CITY}, as_="admin-xu")
    assert ddb_calls.calls == {"BatchGetItem": 1, "Query": 1}, ddb_calls.calls
