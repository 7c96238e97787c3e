"""Independent check: poppler's pdfsig (NSS) accepts the seal and trusts the dev CA."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from signing.seal import SealAppearance, Sealer

from .conftest import Pki
from .helpers import AUTHORITY, require_tool


@pytest.fixture(scope="module")
def nss_db(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> str:
    require_tool("pdfsig", "certutil")
    db = tmp_path_factory.mktemp("nssdb")
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "devca", "-t", "CT,C,C", "-i", str(pki.dev.ca_cert)],
        check=True,
    )
    return f"sql:{db}"


def _pdfsig(nss_db: str, pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfsig", "-nssdir", nss_db, str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr


def test_pdfsig_validates_b_b(nss_db: str, sealed_pdf: bytes, tmp_path: Path) -> None:
    out = _pdfsig(nss_db, sealed_pdf, tmp_path)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "ETSI.CAdES.detached" in out
    assert "Total document signed" in out


def test_pdfsig_validates_b_t(nss_db: str, sealer: Sealer, sample_pdf: bytes, tsa_url: str, tmp_path: Path) -> None:
    stamped = Sealer(sealer.backend, timestamp_url=tsa_url).seal(sample_pdf, SealAppearance(authority_name=AUTHORITY))
    out = _pdfsig(nss_db, stamped, tmp_path)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out


def test_pdfsig_detects_tampering(nss_db: str, sealed_pdf: bytes, tmp_path: Path) -> None:
    tampered = sealed_pdf.replace(b"Approval decision", b"Approval decisioN")
    out = _pdfsig(nss_db, tampered, tmp_path)
    assert "Signature Validation: Signature is Valid." not in out, out
