"""Offline kit (issue 13 point 7, seed 003 二(七)): signed QR payload and signed status list.

Each verdict has its own code: a payload or list signed by an unregistered key, by another
bureau's seal, tampered with, or (for the list) past its next update.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from signing.devpki import issue_seal_certificate, new_key
from signing.keys import LocalKeyBackend
from signing.offline import QrClaims, offline_verdict, qr_text, sign_qr_payload, verify_qr_payload
from signing.registry import SealAuthority, SealRegistry, load_registry, registry_document
from signing.report import Indication
from signing.status_list import ListedCertificate, StatusList, sign_status_list, verify_status_list

from .conftest import Pki
from .helpers import AUTHORITY

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
CITY = SealAuthority("city-bureau", AUTHORITY, "《某市人民政府关于某市行政审批局电子印章法律效力的公告》")
DISTRICT = SealAuthority(
    "district-bureau", "某区行政审批局", "《某市人民政府关于各区行政审批局电子印章法律效力的公告》"
)


def _backend(pki: Pki, folder: Path, kind: str, name: str) -> LocalKeyBackend:
    key = new_key(kind)  # type: ignore[arg-type]
    cert = issue_seal_certificate(key.public_key(), pki.ca_cert, pki.ca_key, authority=name)  # type: ignore[arg-type]
    pem = serialization.PrivateFormat.PKCS8
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, pem, serialization.NoEncryption())  # type: ignore[union-attr]
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return LocalKeyBackend(folder / "key.pem", folder / "cert.pem")


@pytest.fixture(scope="module")
def keys(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> dict[str, LocalKeyBackend]:
    return {
        "city": LocalKeyBackend(pki.dev.seal_key, pki.dev.seal_cert),
        "district": _backend(pki, tmp_path_factory.mktemp("district"), "rsa", DISTRICT.name),
        # certified by the same CA, but registered for nobody
        "unregistered": _backend(pki, tmp_path_factory.mktemp("other"), "ec", "某公司"),
    }


@pytest.fixture(scope="module")
def registry(keys: dict[str, LocalKeyBackend]) -> SealRegistry:
    start = dt.datetime(2020, 1, 1, tzinfo=UTC)
    seals = [
        (code, keys[name].certificate.public_bytes(serialization.Encoding.PEM), start, None)
        for code, name in (("city-bureau", "city"), ("district-bureau", "district"))
    ]
    return load_registry(registry_document(1, NOW, [CITY, DISTRICT], seals))


def _claims(**changes: object) -> QrClaims:
    values: dict[str, object] = {
        "licence": "CITY-BUREAU-2026-000001",
        "holder": "舟山海星****公司",
        "type_code": "FOOD-LICENCE",
        "type_name": "食品经营许可证",
        "issued_on": "2026-12-01",
        "valid_until": "2031-11-30",
        "authority": "city-bureau",
        "status": "VALID",
        "signed_at": int(NOW.timestamp()) - 86400 * 5,
    }
    values.update(changes)
    return QrClaims(**values)  # type: ignore[arg-type]


def _tamper(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    raw = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    return ".".join([header, base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), signature])


def _list(authority: str = "city-bureau", issued: dt.datetime = NOW, **kw: object) -> StatusList:
    entries = kw.get("entries", (ListedCertificate("CITY-BUREAU-2026-000002", "REVOKED", NOW.isoformat()),))
    return StatusList(authority, issued, issued + dt.timedelta(hours=24), entries)  # type: ignore[arg-type]


def test_qr_payload_signed_by_the_bureau_seal_verifies_offline(
    keys: dict[str, LocalKeyBackend], registry: SealRegistry
) -> None:
    token = sign_qr_payload(keys["city"], _claims())
    check = verify_qr_payload(qr_text("https://uap.example.cn/v/ABCDEFGHJKLMNPQR", token), registry)
    assert check.code == "QR_PAYLOAD_VALID" and check.claims == _claims()
    # RSA seals sign RS256 payloads the same way (the algorithm follows the key)
    rsa = sign_qr_payload(keys["district"], _claims(authority="district-bureau"))
    assert json.loads(base64.urlsafe_b64decode(rsa.split(".")[0] + "==="))["alg"] == "RS256"
    assert verify_qr_payload(rsa, registry).valid


def test_qr_payload_verdicts_each_with_its_code(keys: dict[str, LocalKeyBackend], registry: SealRegistry) -> None:
    token = sign_qr_payload(keys["city"], _claims())
    assert verify_qr_payload(_tamper(token, hld="王*燕"), registry).code == "QR_SIGNATURE_INVALID"
    assert verify_qr_payload(sign_qr_payload(keys["unregistered"], _claims()), registry).code == (
        "QR_SIGNER_NOT_REGISTERED"
    )
    # the district bureau's seal signing a payload that names the city bureau
    forged = sign_qr_payload(keys["district"], _claims())
    assert verify_qr_payload(forged, registry).code == "QR_SEAL_OF_ANOTHER_AUTHORITY"
    early = sign_qr_payload(keys["city"], _claims(signed_at=int(dt.datetime(2019, 1, 1, tzinfo=UTC).timestamp())))
    assert verify_qr_payload(early, registry).code == "QR_SEAL_OUTSIDE_REGISTERED_VALIDITY"
    for junk in ("", "https://uap.example.cn/v/X", "a.b.c", token.split(".")[0] + ".e30." + token.split(".")[2]):
        assert verify_qr_payload(junk, registry).code == "QR_PAYLOAD_MALFORMED"


def test_status_list_verdicts_each_with_its_code(keys: dict[str, LocalKeyBackend], registry: SealRegistry) -> None:
    token = sign_status_list(keys["city"], _list())
    check = verify_status_list(token, registry, NOW + dt.timedelta(hours=2))
    assert check.code == "STATUS_LIST_CURRENT" and check.status_list is not None
    assert check.status_list.status_of("CITY-BUREAU-2026-000002") is not None
    assert check.freshness(NOW + dt.timedelta(hours=2))["age_seconds"] == 7200
    forged = _tamper(token, entries=[])
    assert verify_status_list(forged, registry, NOW).code == "STATUS_LIST_SIGNATURE_INVALID"
    assert verify_status_list(sign_status_list(keys["unregistered"], _list()), registry, NOW).code == (
        "STATUS_LIST_SIGNER_NOT_REGISTERED"
    )
    # another bureau's seal cannot speak for the city bureau
    assert verify_status_list(sign_status_list(keys["district"], _list()), registry, NOW).code == (
        "STATUS_LIST_SIGNER_NOT_REGISTERED"
    )
    stale = verify_status_list(token, registry, NOW + dt.timedelta(hours=25))
    assert stale.code == "STATUS_LIST_STALE" and stale.freshness(NOW + dt.timedelta(hours=25))["stale"]
    assert verify_status_list(token, registry, NOW, authority="district-bureau").code == (
        "STATUS_LIST_OF_ANOTHER_AUTHORITY"
    )
    assert verify_status_list("not a list", registry, NOW).code == "STATUS_LIST_MALFORMED"


def test_offline_verdict_combines_payload_and_status_list(
    keys: dict[str, LocalKeyBackend], registry: SealRegistry
) -> None:
    today, later = NOW.date(), NOW + dt.timedelta(hours=1)
    lists = [verify_status_list(sign_status_list(keys["city"], _list()), registry, later)]
    good = verify_qr_payload(sign_qr_payload(keys["city"], _claims()), registry)
    passed = offline_verdict(good, lists, today, later)
    assert passed.indication is Indication.PASSED and passed.status == "VALID"
    assert passed.freshness["age_seconds"] == 3600 and not passed.freshness["stale"]
    revoked = verify_qr_payload(sign_qr_payload(keys["city"], _claims(licence="CITY-BUREAU-2026-000002")), registry)
    verdict = offline_verdict(revoked, lists, today, later)
    assert verdict.indication is Indication.FAILED and verdict.status == "REVOKED"
    assert "CERTIFICATE_LISTED" in dict(verdict.codes)
    stale = [verify_status_list(sign_status_list(keys["city"], _list()), registry, NOW + dt.timedelta(days=2))]
    assert offline_verdict(good, stale, today, NOW + dt.timedelta(days=2)).indication is Indication.INDETERMINATE
    missing = offline_verdict(good, [], today, later)
    assert missing.indication is Indication.INDETERMINATE and "STATUS_LIST_MISSING" in dict(missing.codes)
    forged = [verify_status_list(_tamper(sign_status_list(keys["city"], _list()), entries=[]), registry, later)]
    assert dict(offline_verdict(revoked, forged, today, later).codes).keys() >= {"STATUS_LIST_SIGNATURE_INVALID"}
    expired = verify_qr_payload(sign_qr_payload(keys["city"], _claims(valid_until="2026-12-01")), registry)
    assert offline_verdict(expired, lists, today, later).status == "expired"
