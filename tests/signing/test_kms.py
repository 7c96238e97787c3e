"""KMS backend on moto: RSA PKCS#1 v1.5 and ECDSA P-256 seals that validate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from signing.devpki import issue_seal_certificate
from signing.keys import KeyMismatchError, KmsKeyBackend
from signing.seal import SealAppearance, Sealer, SealingError
from signing.verify import verify_pdf

from .conftest import Pki
from .helpers import AUTHORITY

REGION = "cn-north-1"


@pytest.fixture
def kms() -> Iterator[Any]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        yield boto3.client("kms", region_name=REGION)


def _kms_key(kms: Any, spec: str) -> tuple[str, Any]:
    key_id = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec=spec)["KeyMetadata"]["KeyId"]
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    return key_id, public


class _Recorder:
    """Wraps the boto3 client to record the Sign calls the backend makes."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sign_calls: list[dict[str, Any]] = []

    def sign(self, **kwargs: Any) -> Any:
        self.sign_calls.append(kwargs)
        return self.client.sign(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


@pytest.mark.parametrize(
    ("spec", "algorithm", "mechanism"),
    [("ECC_NIST_P256", "ECDSA_SHA_256", "ecdsa"), ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", "rsa")],
)
def test_kms_seal_validates(kms: Any, pki: Pki, sample_pdf: bytes, spec: str, algorithm: str, mechanism: str) -> None:
    key_id, public_key = _kms_key(kms, spec)
    cert = issue_seal_certificate(public_key, pki.ca_cert, pki.ca_key)  # type: ignore[arg-type]
    client = _Recorder(kms)
    backend = KmsKeyBackend(key_id, cert, [pki.ca_cert], client=client)
    sealed = Sealer(backend).seal(sample_pdf, SealAppearance(authority_name=AUTHORITY))

    report = verify_pdf(sealed, [pki.ca_pem])
    assert report.passed, report.to_text()
    assert report.pades_level == "B-B"
    # one real signature (the size-estimation dry run never reaches KMS)
    assert len(client.sign_calls) == 1
    call = client.sign_calls[0]
    assert call["MessageType"] == "RAW"
    assert call["SigningAlgorithm"] == algorithm
    assert len(call["Message"]) < 4096

    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    assert mechanism in sig.signer_info["signature_algorithm"]["algorithm"].native


def test_kms_certificate_mismatch_is_refused(kms: Any, pki: Pki, sample_pdf: bytes) -> None:
    key_id, _ = _kms_key(kms, "ECC_NIST_P256")
    _, other_public = _kms_key(kms, "ECC_NIST_P256")
    wrong_cert = issue_seal_certificate(other_public, pki.ca_cert, pki.ca_key)  # type: ignore[arg-type]
    backend = KmsKeyBackend(key_id, wrong_cert, [pki.ca_cert], client=kms)
    with pytest.raises(KeyMismatchError):
        backend.verify_public_key()
    with pytest.raises(SealingError, match="does not match"):
        Sealer(backend).seal(sample_pdf, SealAppearance(authority_name=AUTHORITY))


def test_kms_backend_from_pem_files(kms: Any, pki: Pki, tmp_path: Any) -> None:
    from signing.config import backend_from_env

    key_id, public_key = _kms_key(kms, "ECC_NIST_P256")
    cert = issue_seal_certificate(public_key, pki.ca_cert, pki.ca_key)  # type: ignore[arg-type]
    cert_path = tmp_path / "kms-cert.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    backend = backend_from_env(
        {
            "UAP_SEAL_KMS_KEY_ID": key_id,
            "UAP_SEAL_CERT": str(cert_path),
            "UAP_SEAL_CHAIN": str(pki.dev.ca_cert),
            "UAP_SEAL_KMS_REGION": REGION,
        }
    )
    assert isinstance(backend, KmsKeyBackend)
    assert backend.algorithm == "ec"
    assert backend.chain == (pki.ca_cert,)
    signature = backend.sign(b"hello")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    public_key.verify(signature, b"hello", ec.ECDSA(hashes.SHA256()))


def test_each_bureau_seals_with_its_own_kms_key_by_alias(kms: Any, pki: Pki, sample_pdf: bytes) -> None:
    """Production: UAP_SEAL_KEYS maps each bureau to its KMS alias; the certificate comes from the
    seal registry; each bureau's seal verifies as that bureau's registered seal and not the other's."""
    import datetime as dt
    import json

    from signing.config import sealer_for
    from signing.registry import SealAuthority, load_registry, pin_registered_seal, registry_document

    bureaus = {"city-bureau": "某市行政审批局", "district-bureau": "某区行政审批局"}
    keys, seals = {}, []
    for code, name in bureaus.items():
        key_id, public_key = _kms_key(kms, "ECC_NIST_P256")
        kms.create_alias(AliasName=f"alias/uap-test-seal-{code}", TargetKeyId=key_id)
        cert = issue_seal_certificate(public_key, pki.ca_cert, pki.ca_key, authority=name)  # type: ignore[arg-type]
        keys[code] = f"alias/uap-test-seal-{code}"
        start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        seals.append((code, cert.public_bytes(serialization.Encoding.PEM), start, None))
    authorities = [SealAuthority(code, name, f"{name}电子印章效力公告") for code, name in bureaus.items()]
    registry = load_registry(registry_document(1, dt.datetime.now(dt.UTC), authorities, seals))
    env = {"UAP_SEAL_BACKEND": "kms", "UAP_SEAL_KEYS": json.dumps(keys), "UAP_SEAL_KMS_REGION": REGION}
    now = dt.datetime.now(dt.UTC)
    for code, name in bureaus.items():
        sealed = sealer_for(code, registry, now, env).seal(sample_pdf, SealAppearance(authority_name=name))
        report = verify_pdf(sealed, [pki.ca_pem])
        assert pin_registered_seal(report, registry, code).passed
        other = next(c for c in bureaus if c != code)
        failed = pin_registered_seal(report, registry, other)
        assert failed.registration is not None and failed.registration.code == "SEAL_OF_ANOTHER_AUTHORITY"
