"""Dev PKI: certificate contents and idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.devpki import DOCUMENT_SIGNING_EKU, ensure_dev_pki
from signing.keys import LocalKeyBackend

from .conftest import Pki


def test_seal_certificate_contents(pki: Pki) -> None:
    cert = x509.load_pem_x509_certificate(pki.dev.seal_cert.read_bytes())
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "XX市行政审批局 行政审批专用章"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "XX市行政审批局"
    assert cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "CN"
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and ku.value.content_commitment
    assert not ku.value.key_cert_sign
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert DOCUMENT_SIGNING_EKU in eku and ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert cert.issuer == pki.ca_cert.subject
    assert pki.ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_chain_file_and_key_match(pki: Pki) -> None:
    chain = x509.load_pem_x509_certificates(pki.dev.chain.read_bytes())
    assert [c.subject for c in chain][1] == pki.ca_cert.subject
    backend = LocalKeyBackend(pki.dev.seal_key, pki.dev.chain)
    assert backend.chain == (pki.ca_cert,)  # extra certs in the cert file become the chain
    assert oct(pki.dev.seal_key.stat().st_mode & 0o777) == "0o600"


def test_idempotent_and_refuses_partial(tmp_path: Path) -> None:
    first = ensure_dev_pki(tmp_path / "pki")
    before = {p.name: p.read_bytes() for p in (tmp_path / "pki").iterdir()}
    second = ensure_dev_pki(tmp_path / "pki")
    assert first.created and not second.created
    assert {p.name: p.read_bytes() for p in (tmp_path / "pki").iterdir()} == before
    first.seal_cert.unlink()
    with pytest.raises(FileExistsError, match="partial"):
        ensure_dev_pki(tmp_path / "pki")


def test_rsa_dev_pki_seals(tmp_path: Path, sample_pdf: bytes) -> None:
    from signing.seal import SealAppearance, Sealer
    from signing.verify import verify_pdf

    pki = ensure_dev_pki(tmp_path / "rsa", key_kind="rsa", authority="YY县行政审批局")
    backend = LocalKeyBackend(pki.seal_key, pki.seal_cert, [pki.ca_cert])
    assert backend.algorithm == "rsa" and backend.signature_size == 256
    sealed = Sealer(backend).seal(sample_pdf, SealAppearance(authority_name="YY县行政审批局"))
    report = verify_pdf(sealed, [pki.ca_cert.read_bytes()])
    assert report.passed, report.to_text()
    assert "YY县行政审批局" in (report.identity.subject or "")


def test_key_file_mismatch(pki: Pki) -> None:
    from signing.keys import KeyMismatchError

    backend = LocalKeyBackend(pki.rogue_key, pki.dev.seal_cert)
    with pytest.raises(KeyMismatchError):
        backend.certificate  # noqa: B018
