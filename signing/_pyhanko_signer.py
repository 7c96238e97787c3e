"""Adapter from a :class:`~signing.keys.KeyBackend` to a pyHanko ``Signer``.

Kept separate (and imported lazily) because importing pyHanko costs ~0.4 s.
"""

from __future__ import annotations

from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .cms_template import CmsTemplate, fast_path_applies
from .keys import KeyBackend

__all__ = ["BackendSigner", "to_asn1"]


def to_asn1(cert: object) -> asn1_x509.Certificate:
    """``cryptography`` certificate -> ``asn1crypto`` certificate, parsed through at once.

    Why parsed through: a sealer's signer is shared by every thread sealing in the process, and
    asn1crypto parses an object's children lazily on first access, which is not thread-safe (two
    threads meeting a half-parsed certificate raised ``KeyError``). ``.native`` parses every child
    once, here, before the signer is shared."""
    parsed = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))  # type: ignore[attr-defined]
    parsed.native  # noqa: B018 - parses every child now (see above)
    return parsed


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
        self._template: CmsTemplate | None = None

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run: bool = False,
        use_pades: bool = False,
        timestamper: Any = None,
        signed_attr_settings: Any = None,
        is_pdf_sig: bool = True,
        encap_content_info: Any = None,
    ) -> cms.ContentInfo:
        """pyHanko's CMS, spliced from this signer's constant DER (`signing.cms_template`): the
        same bytes for ~1/10 of the CPU. Shapes the seal does not use go to pyHanko itself."""
        kwargs: dict[str, Any] = {
            "dry_run": dry_run,
            "use_pades": use_pades,
            "timestamper": timestamper,
            "signed_attr_settings": signed_attr_settings,
            "is_pdf_sig": is_pdf_sig,
            "encap_content_info": encap_content_info,
        }
        template = self._template
        if template is None or not fast_path_applies(self, digest_algorithm, kwargs):
            cms_ = await super().async_sign(data_digest, digest_algorithm, **kwargs)
            if template is None and fast_path_applies(self, digest_algorithm, kwargs):
                self._template = CmsTemplate.from_sample(cms_)  # the first container is pyHanko's own
            return cms_
        signed = template.signed_attributes(data_digest)
        signature = await self.async_sign_raw(signed, "sha256", dry_run)
        unsigned = await self.unsigned_attrs(
            "sha256", signature, signed_attrs=cms.CMSAttributes.load(signed), timestamper=timestamper, dry_run=dry_run
        )
        return cms.ContentInfo.load(template.container(signed, signature, unsigned))

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if digest_algorithm.lower() != "sha256":
            raise ValueError(f"seal backends sign with SHA-256 only, not {digest_algorithm}")
        if dry_run:
            # pyHanko signs once "for real" and once to size the placeholder;
            # a KMS round trip for the latter would be wasted money and latency.
            return bytes(self.backend.signature_size)
        return self.backend.sign(data)
