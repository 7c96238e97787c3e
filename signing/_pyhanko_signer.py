"""Adapter from a :class:`~signing.keys.KeyBackend` to a pyHanko ``Signer``.

Kept separate (and imported lazily) because importing pyHanko costs ~0.4 s.
"""

from __future__ import annotations

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .keys import KeyBackend

__all__ = ["BackendSigner", "to_asn1"]


def to_asn1(cert: object) -> asn1_x509.Certificate:
    """``cryptography`` certificate -> ``asn1crypto`` certificate."""
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))  # type: ignore[attr-defined]


class BackendSigner(Signer):
    """pyHanko signer whose raw signatures come from a key backend (local or KMS)."""

    def __init__(self, backend: KeyBackend) -> None:
        self.backend = backend
        cert = to_asn1(backend.certificate)
        # pyHanko embeds ``signing_cert`` itself *and* everything in ``cert_registry``: the seal
        # certificate in the registry too would sit in the CMS twice, which strict verifiers
        # (endesive) reject. The registry holds the chain above the seal certificate only.
        registry = SimpleCertificateStore.from_certs([c for c in map(to_asn1, backend.chain) if c != cert])
        super().__init__(signing_cert=cert, cert_registry=registry, embed_roots=True)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if digest_algorithm.lower() != "sha256":
            raise ValueError(f"seal backends sign with SHA-256 only, not {digest_algorithm}")
        if dry_run:
            # pyHanko signs once "for real" and once to size the placeholder;
            # a KMS round trip for the latter would be wasted money and latency.
            return bytes(self.backend.signature_size)
        return self.backend.sign(data)
