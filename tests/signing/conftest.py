"""Shared fixtures: a dev PKI, a sample PDF, sealers and a local TSA.

Everything expensive (key generation, RSA TSA key, sealing) happens once per
session; tests treat the resulting bytes as read-only.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing.devpki import (
    DevPki,
    build_ca,
    ensure_dev_pki,
    issue_crl,
    issue_seal_certificate,
    issue_tsa_certificate,
    new_key,
)
from signing.keys import LocalKeyBackend
from signing.seal import SealAppearance, Sealer

from .helpers import AUTHORITY, make_pdf


@dataclass(frozen=True)
class Pki:
    dev: DevPki
    ca_cert: x509.Certificate
    ca_key: object
    ca_pem: bytes
    rogue_key: Path
    rogue_cert: Path
    rogue_ca_pem: bytes
    tsa_cert: x509.Certificate
    tsa_key: object
    crl_pem: bytes


def _write_pem(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _key_pem(key: object) -> bytes:
    return key.private_bytes(  # type: ignore[attr-defined,no-any-return]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    root = tmp_path_factory.mktemp("pki")
    dev = ensure_dev_pki(root / "dev", authority=AUTHORITY)
    ca_cert = x509.load_pem_x509_certificate(dev.ca_cert.read_bytes())
    ca_key = serialization.load_pem_private_key(dev.ca_key.read_bytes(), None)
    # A second, untrusted CA issuing a look-alike seal certificate.
    rogue_ca_key = new_key("ec")
    rogue_ca = build_ca(rogue_ca_key, "Rogue CA")
    rogue_key = new_key("ec")
    rogue_cert = issue_seal_certificate(rogue_key.public_key(), rogue_ca, rogue_ca_key)
    rogue_dir = root / "rogue"
    rogue_dir.mkdir()
    pem = serialization.Encoding.PEM
    # pyHanko's DummyTimeStamper is RSA-only.
    tsa_key = new_key("rsa")
    tsa_cert = issue_tsa_certificate(tsa_key.public_key(), ca_cert, ca_key)  # type: ignore[arg-type]
    crl = issue_crl(ca_cert, ca_key)  # type: ignore[arg-type]
    return Pki(
        dev=dev,
        ca_cert=ca_cert,
        ca_key=ca_key,
        ca_pem=dev.ca_cert.read_bytes(),
        rogue_key=_write_pem(rogue_dir / "key.pem", _key_pem(rogue_key)),
        rogue_cert=_write_pem(rogue_dir / "cert.pem", rogue_cert.public_bytes(pem)),
        rogue_ca_pem=rogue_ca.public_bytes(pem),
        tsa_cert=tsa_cert,
        tsa_key=tsa_key,
        crl_pem=crl.public_bytes(pem),
    )


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return make_pdf()


@pytest.fixture(scope="session")
def backend(pki: Pki) -> LocalKeyBackend:
    return LocalKeyBackend(pki.dev.seal_key, pki.dev.seal_cert, [pki.dev.ca_cert])


@pytest.fixture(scope="session")
def sealer(backend: LocalKeyBackend) -> Sealer:
    return Sealer(backend)


@pytest.fixture(scope="session")
def appearance() -> SealAppearance:
    return SealAppearance(authority_name=AUTHORITY)


@pytest.fixture(scope="session")
def sealed_pdf(sealer: Sealer, sample_pdf: bytes, appearance: SealAppearance) -> bytes:
    return sealer.seal(sample_pdf, appearance, location="XX市")


@pytest.fixture(scope="session")
def tsa_url(pki: Pki) -> Iterator[str]:
    """An RFC 3161 TSA on 127.0.0.1 backed by pyHanko's DummyTimeStamper."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from pyhanko.sign.timestamps import DummyTimeStamper

    from signing._pyhanko_signer import to_asn1

    stamper = DummyTimeStamper(
        tsa_cert=to_asn1(pki.tsa_cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            pki.tsa_key.private_bytes(  # type: ignore[attr-defined]
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=[to_asn1(pki.ca_cert)],  # type: ignore[arg-type]
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            req = tsp.TimeStampReq.load(body)
            resp = asyncio.run(stamper.async_request_tsa_response(req)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(resp)))
            self.end_headers()
            self.wfile.write(resp)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
