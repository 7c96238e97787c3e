"""Issue 13 point 5: sealed PDFs are accepted by independent validators besides pyHanko, poppler's
pdfsig (NSS) and endesive, at every level the seal is produced (B-B, B-T, B-LT), and the CMS
carries each certificate once (a duplicate seal certificate made endesive reject every seal)."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from signing.keys import LocalKeyBackend
from signing.seal import RevocationSources, SealAppearance, Sealer

from .conftest import Pki
from .helpers import AUTHORITY, require_tool
from .independent import OSCRYPTO_BROKEN_RELEASE, cms_certificates, endesive_verify, pdfsig, pdfsig_accepts


def _sealer(level: str, backend: LocalKeyBackend, tsa_url: str, pki: Pki) -> Sealer:
    if level == "B-B":
        return Sealer(backend)
    if level == "B-T":
        return Sealer(backend, timestamp_url=tsa_url)
    return Sealer(backend, timestamp_url=tsa_url, revocation=RevocationSources(crls=[pki.crl_pem]))


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT"])
def test_each_certificate_once_and_both_validators_accept(
    level: str, backend: LocalKeyBackend, sample_pdf: bytes, tsa_url: str, pki: Pki, tmp_path: Path
) -> None:
    sealer = _sealer(level, backend, tsa_url, pki)
    assert sealer.level == level
    sealed = sealer.seal(sample_pdf, SealAppearance(authority_name=AUTHORITY))
    ders = cms_certificates(sealed)
    assert len(ders) == len(set(ders)) == 2  # the seal certificate and its CA, once each
    verdict = endesive_verify(sealed, [pki.ca_pem])
    assert verdict.valid, verdict
    # B-LT puts the DSS into the sealed revision (signing/seal.py _embed_dss): nothing follows the seal.
    assert verdict.bytes_after_signature == 0
    require_tool("pdfsig", "certutil")
    report = pdfsig(sealed, pki.dev.ca_cert, tmp_path)
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Certificate Validation: Certificate is Trusted." in report, report
    assert pdfsig_accepts(report), report  # "Total document signed" at B-LT too


def test_independent_validators_reject_tampering_and_a_foreign_ca(sealed_pdf: bytes, pki: Pki, tmp_path: Path) -> None:
    tampered = sealed_pdf.replace(b"Approval decision", b"Approval decisioN")
    assert not endesive_verify(tampered, [pki.ca_pem]).hash_ok
    untrusted = endesive_verify(sealed_pdf, [pki.rogue_ca_pem])
    assert untrusted.hash_ok and untrusted.signature_ok and not untrusted.cert_ok
    require_tool("pdfsig", "certutil")
    assert not pdfsig_accepts(pdfsig(tampered, pki.dev.ca_cert, tmp_path))


def test_oscrypto_shim_still_needed() -> None:
    """The test helper patches oscrypto 1.3.0's OpenSSL version regex; a newer oscrypto pin means
    the shim in tests/signing/independent.py should go (this test then tells so)."""
    assert version("oscrypto") == OSCRYPTO_BROKEN_RELEASE, "oscrypto moved on: drop the regex shim in independent.py"
