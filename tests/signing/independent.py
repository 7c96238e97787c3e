"""Independent validators of sealed PDFs besides pyHanko: endesive (Python) and poppler's pdfsig (NSS).

endesive verifies the CMS itself (cryptography + certvalidator), so it catches what pyHanko is
lenient about, e.g. a certificate carried twice in the CMS (issue 13 point 5).

endesive needs oscrypto (via certvalidator); oscrypto 1.3.0, the last release on PyPI, cannot
read OpenSSL version strings with a two-digit patch number ("OpenSSL 3.0.19"): its regex
``\\d\\.\\d\\.\\d[a-z]*`` lacks a ``+`` (fixed on oscrypto's main branch, not released). Until a
release carries the fix, :func:`_patch_oscrypto_version_regex` loads oscrypto's libcrypto binding
with that one regex corrected. :func:`test_oscrypto_shim_still_needed` in
``tests/signing/test_independent_validators.py`` fails once the pin moves past 1.3.0, so the shim
is removed then.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

OSCRYPTO_BROKEN_RELEASE = "1.3.0"
_BROKEN = "'\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d[a-z]*)\\\\b'"
_FIXED = "'\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d+[a-z]*)\\\\b'"


def _patch_oscrypto_version_regex() -> None:
    """Pre-load oscrypto's libcrypto binding (cffi or ctypes) with the version regex fixed."""
    from importlib.metadata import version

    if version("oscrypto") != OSCRYPTO_BROKEN_RELEASE:
        return
    from oscrypto import ffi

    name = f"oscrypto._openssl._libcrypto_{'cffi' if ffi() == 'cffi' else 'ctypes'}"
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None and spec.loader is not None
    source = Path(spec.origin).read_text(encoding="utf-8")
    if _BROKEN not in source:
        raise RuntimeError(f"{spec.origin} no longer has the regex this shim corrects: remove the shim")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    exec(compile(source.replace(_BROKEN, _FIXED), spec.origin, "exec"), module.__dict__)


@dataclass(frozen=True)
class EndesiveResult:
    """endesive's three answers on the (last) signature: the hash, the signature, the chain to a
    trust root; and how many bytes follow the signed range (PAdES DSS/time-stamp updates)."""

    hash_ok: bool
    signature_ok: bool
    cert_ok: bool
    bytes_after_signature: int

    @property
    def valid(self) -> bool:
        return self.hash_ok and self.signature_ok and self.cert_ok


def endesive_verify(pdf: bytes, trusted_pems: Sequence[bytes]) -> EndesiveResult:
    """endesive's verdict on the last signature of ``pdf`` (exceptions propagate: a crash is a finding)."""
    _patch_oscrypto_version_regex()
    from endesive.pdf import verify

    result, remaining = verify(pdf, list(trusted_pems))
    after = 0 if remaining is None else int(remaining.stop) - int(remaining.start)
    return EndesiveResult(bool(result.hashok), bool(result.signatureok), bool(result.certok), after)


def cms_certificates(pdf: bytes) -> list[bytes]:
    """The DER of every certificate the (first) signature's CMS carries, duplicates included."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return [c.chosen.dump() for c in signature.signed_data["certificates"]]


def pdfsig(pdf: bytes, ca_pem: Path, workdir: Path) -> str:
    """poppler's pdfsig report on ``pdf`` with an NSS database trusting ``ca_pem`` (tools required)."""
    db = workdir / "nss"
    if not db.exists():
        db.mkdir()
        subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{db}", "-n", "devca", "-t", "CT,C,C", "-i", str(ca_pem)], check=True
        )
    path = workdir / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{db}", str(path)], capture_output=True, text=True)
    return out.stdout + out.stderr


def pdfsig_accepts(report: str) -> bool:
    """Valid, trusted, and covering the whole file (the last rules out incremental-update attacks)."""
    return (
        "Signature Validation: Signature is Valid." in report
        and "Certificate Validation: Certificate is Trusted." in report
        and "Total document signed" in report
    )
