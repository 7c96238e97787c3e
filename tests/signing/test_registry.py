"""The seal registry (signing.registry): which seal is each bureau's, and when (seed 003 二(七)).

A signature chaining to the trusted CA is not yet the bureau's seal: the signer must be the seal
the registry lists for the issuing bureau, valid at the signing time. Every verdict has its own
code; a malformed registry is refused with every problem listed at once.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from signing.cli import main
from signing.config import UnregisteredSealError, sealer_for
from signing.devpki import issue_seal_certificate, new_key
from signing.keys import LocalKeyBackend
from signing.registry import (
    RegistryError,
    SealAuthority,
    load_registry,
    pin_registered_seal,
    registry_document,
)
from signing.report import Indication
from signing.seal import SealAppearance, Sealer
from signing.verify import verify_pdf

from .conftest import Pki
from .helpers import AUTHORITY

UTC = dt.UTC
CITY = SealAuthority("city-bureau", AUTHORITY, "《某市人民政府关于某市行政审批局电子印章法律效力的公告》")
DISTRICT = SealAuthority(
    "district-bureau", "某区行政审批局", "《某市人民政府关于各区行政审批局电子印章法律效力的公告》"
)
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=UTC)


def _pem(cert: object) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture(scope="module")
def district(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> LocalKeyBackend:
    """A second bureau's seal key under the same dev CA."""
    folder = tmp_path_factory.mktemp("district")
    key = new_key("ec")
    cert = issue_seal_certificate(key.public_key(), pki.ca_cert, pki.ca_key, authority=DISTRICT.name)  # type: ignore[arg-type]
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "cert.pem").write_bytes(_pem(cert))
    return LocalKeyBackend(folder / "key.pem", folder / "cert.pem", [pki.dev.ca_cert])


def _registry(pki: Pki, district: LocalKeyBackend, *, city_to: dt.datetime | None = None, version: int = 1) -> bytes:
    seals = [
        ("city-bureau", pki.dev.seal_cert.read_bytes(), LONG_AGO, city_to),
        ("district-bureau", _pem(district.certificate), LONG_AGO, None),
    ]
    doc = registry_document(version, dt.datetime.now(UTC), [CITY, DISTRICT], seals)
    return json.dumps(doc, ensure_ascii=False).encode()


def test_registered_seal_of_the_issuing_bureau_passes(pki: Pki, sealed_pdf: bytes, district: LocalKeyBackend) -> None:
    registry = load_registry(_registry(pki, district))
    report = pin_registered_seal(verify_pdf(sealed_pdf, [pki.ca_pem]), registry, "city-bureau")
    assert report.indication is Indication.PASSED and report.pades_level == "B-B"
    assert report.registration is not None and report.registration.registered
    assert report.registration.legal_basis == CITY.legal_basis
    assert "SEAL_REGISTERED" in report.codes and "SEAL_VALID" in report.codes
    assert "法律效力依据 Legal basis: 《某市人民政府" in report.to_text()


def test_verdicts_each_with_its_code(
    pki: Pki, sealed_pdf: bytes, sample_pdf: bytes, district: LocalKeyBackend, tmp_path: Path
) -> None:
    registry = load_registry(_registry(pki, district))
    base = verify_pdf(sealed_pdf, [pki.ca_pem])

    def verdict(report: object, authority: str | None, reg: object = registry) -> tuple[Indication, str]:
        pinned = pin_registered_seal(report, reg, authority)  # type: ignore[arg-type]
        assert pinned.registration is not None
        return pinned.indication, pinned.registration.code

    # a seal of the same CA that no bureau registered
    rogue_key = new_key("ec")
    rogue_cert = issue_seal_certificate(rogue_key.public_key(), pki.ca_cert, pki.ca_key, authority=AUTHORITY)  # type: ignore[arg-type]
    (tmp_path / "k.pem").write_bytes(
        rogue_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "c.pem").write_bytes(_pem(rogue_cert))
    rogue = Sealer(LocalKeyBackend(tmp_path / "k.pem", tmp_path / "c.pem", [pki.dev.ca_cert]))
    rogue_report = verify_pdf(rogue.seal(sample_pdf, SealAppearance(authority_name=AUTHORITY)), [pki.ca_pem])
    assert rogue_report.indication is Indication.PASSED  # the CA alone cannot tell
    assert verdict(rogue_report, "city-bureau") == (Indication.FAILED, "SEAL_NOT_REGISTERED")
    assert verdict(rogue_report, None) == (Indication.FAILED, "SEAL_NOT_REGISTERED")
    # another bureau's genuine seal on this bureau's certificate
    district_report = verify_pdf(
        Sealer(district).seal(sample_pdf, SealAppearance(authority_name=AUTHORITY)), [pki.ca_pem]
    )
    assert verdict(district_report, "city-bureau") == (Indication.FAILED, "SEAL_OF_ANOTHER_AUTHORITY")
    assert verdict(district_report, None) == (Indication.PASSED, "SEAL_REGISTERED")  # some bureau's seal
    # the registry cannot decide
    assert verdict(base, "city-bureau", None) == (Indication.INDETERMINATE, "SEAL_REGISTRY_UNAVAILABLE")
    assert verdict(base, "unknown-bureau") == (Indication.INDETERMINATE, "AUTHORITY_NOT_IN_REGISTRY")
    # a seal retired before it signed (rotation): FAILED; one retired after: PASSED
    retired = load_registry(_registry(pki, district, city_to=dt.datetime.now(UTC) - dt.timedelta(hours=1)))
    assert verdict(base, "city-bureau", retired) == (Indication.FAILED, "SEAL_OUTSIDE_REGISTERED_VALIDITY")
    later = load_registry(_registry(pki, district, city_to=dt.datetime.now(UTC) + dt.timedelta(days=1)))
    assert verdict(base, "city-bureau", later) == (Indication.PASSED, "SEAL_REGISTERED")
    # a failed seal stays failed: the registry never improves a report
    tampered = verify_pdf(sealed_pdf.replace(b"Approval decision", b"Approval decisioN"), [pki.ca_pem])
    assert verdict(tampered, "city-bureau")[0] is Indication.FAILED


def test_the_time_stamp_decides_the_signing_time(
    pki: Pki, backend: LocalKeyBackend, sample_pdf: bytes, tsa_url: str, district: LocalKeyBackend
) -> None:
    stamped = Sealer(backend, timestamp_url=tsa_url).seal(sample_pdf, SealAppearance(authority_name=AUTHORITY))
    report = verify_pdf(stamped, [pki.ca_pem])
    assert report.timing.timestamp_valid and report.pades_level == "B-T"
    retired = load_registry(_registry(pki, district, city_to=dt.datetime.now(UTC) - dt.timedelta(minutes=10)))
    pinned = pin_registered_seal(report, retired, "city-bureau")
    assert pinned.indication is Indication.FAILED and pinned.pades_level is None
    assert pinned.registration is not None and pinned.registration.code == "SEAL_OUTSIDE_REGISTERED_VALIDITY"


def test_a_malformed_registry_is_refused_with_every_problem(pki: Pki, district: LocalKeyBackend) -> None:
    doc = json.loads(_registry(pki, district))
    doc["version"] = 0
    doc["authorities"]["city-bureau"]["legal_basis"] = ""
    doc["seals"][0]["valid_to"] = "2019-01-01T00:00:00+00:00"  # before valid_from
    doc["seals"][1]["authority"] = "nobody"
    doc["seals"].append({**doc["seals"][0], "authority": "district-bureau", "valid_to": None})
    doc["seals"].append({"authority": "city-bureau", "certificate": "not a PEM", "valid_from": "2020-01-01"})
    with pytest.raises(RegistryError) as caught:
        load_registry(json.dumps(doc))
    problems = " | ".join(caught.value.problems)
    for expected in (
        "version",
        "legal_basis",
        "valid_to must be after valid_from",
        "'nobody'",
        "registered to both",
        "one PEM certificate",
    ):
        assert expected in problems, problems
    with pytest.raises(RegistryError):
        load_registry(b"{]")
    with pytest.raises(RegistryError):
        load_registry(json.dumps({**json.loads(_registry(pki, district)), "format": "other"}))
    naive = json.loads(_registry(pki, district))
    naive["seals"][0]["valid_from"] = "2020-01-01T00:00:00"
    with pytest.raises(RegistryError, match="time zone"):
        load_registry(json.dumps(naive))


def test_sealer_per_bureau_is_built_once_and_only_for_a_registered_seal(
    pki: Pki, district: LocalKeyBackend, tmp_path: Path
) -> None:
    registry = load_registry(_registry(pki, district))
    env = {"UAP_SEAL_BACKEND": "local", "UAP_SEAL_KEYS": json.dumps({"city-bureau": str(pki.dev.seal_key)})}
    now = dt.datetime.now(UTC)
    first = sealer_for("city-bureau", registry, now, env)
    assert sealer_for("city-bureau", registry, now, env) is first  # the key is parsed once per process
    assert first.backend.certificate == registry.current_seal("city-bureau", now).certificate  # type: ignore[union-attr]
    with pytest.raises(UnregisteredSealError, match="UAP_SEAL_KEYS has no key"):
        sealer_for("district-bureau", registry, now, env)
    retired = load_registry(_registry(pki, district, city_to=now - dt.timedelta(seconds=1)))
    with pytest.raises(UnregisteredSealError, match="no seal of 'city-bureau'"):
        sealer_for("city-bureau", retired, now, env)


def test_cli_pins_the_registered_seal(
    pki: Pki, sealed_pdf: bytes, district: LocalKeyBackend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(sealed_pdf)
    registry = tmp_path / "registry.json"
    registry.write_bytes(_registry(pki, district))
    trust = str(pki.dev.ca_cert)
    assert main(["verify", str(pdf), "--trust", trust, "--registry", str(registry), "--authority", "city-bureau"]) == 0
    assert "SEAL_REGISTERED" in capsys.readouterr().out
    assert (
        main(["verify", str(pdf), "--trust", trust, "--registry", str(registry), "--authority", "district-bureau"]) == 2
    )
    assert "SEAL_OF_ANOTHER_AUTHORITY" in capsys.readouterr().out
    assert main(["verify", str(pdf), "--trust", trust, "--authority", "city-bureau"]) == 1  # no registry to ask
    assert "SEAL_REGISTRY_UNAVAILABLE" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text("{}")
    assert main(["verify", str(pdf), "--trust", trust, "--registry", str(tmp_path / "bad.json")]) == 3
