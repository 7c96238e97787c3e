"""The seal's CMS signature container assembled from per-signer constant DER (issue 14 point 4).

Why: building the PAdES CMS with pyHanko costs ~11 ms CPU of a ~13 ms bare signature (the rest,
parsing the PDF and writing the incremental update, is ~2 ms). Nearly all of it is asn1crypto
serialising, field by field, structures that never change for a signer: the certificates, the
signer identifier (issuer name and serial), the algorithms, and the ESS signing-certificate-v2
attribute (a hash of the certificate). At PAdES only the message digest attribute, the signature
value and the unsigned attributes (the signature time-stamp at B-T and above) differ from one
signature to the next: pyHanko leaves the signing time out of a PAdES CMS (it goes to /M).

So a :class:`CmsTemplate` is cut ONCE per signer out of pyHanko's own output (the signer's first
container, which is pyHanko's, usually the sealer's dry-run size estimate) and each later
signature splices the three varying parts into its bytes:

    signed attributes = pyHanko's, in pyHanko's order, with this document's message digest
    signature         = the key backend over their DER (explicit SET OF), as pyHanko signs
    unsigned attrs    = pyHanko's own ``Signer.unsigned_attrs`` (the time-stamp token)

The result is byte for byte what pyHanko builds for the same inputs
(`tests/signing/test_cms_template.py` compares them for several digests, dry and real, B-B and
B-T, and fails loudly when a pyHanko upgrade changes what it puts in the container). Only the
shape the seal uses takes this path: SHA-256, PAdES, a PDF signature, no CAdES or Adobe revinfo
attributes, no attribute certificates, no custom attribute providers; anything else is pyHanko's
own `async_sign`. Uses pyHanko's public names only (``Signer.async_sign``, ``unsigned_attrs``,
``async_sign_raw``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asn1crypto import cms

__all__ = ["CmsTemplate", "TemplateMismatch", "der"]

_MESSAGE_DIGEST = "message_digest"
_DIGEST = "sha256"
_DIGEST_SIZE = 32


class TemplateMismatch(RuntimeError):
    """pyHanko built a container this module does not know how to splice (an upgrade changed it)."""


def der(tag: int, content: bytes) -> bytes:
    """One DER TLV with a one-byte tag (definite length)."""
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def _split(parent: bytes, head: bytes, what: str) -> bytes:
    if not parent.startswith(head):
        raise TemplateMismatch(f"pyHanko's CMS {what} is not laid out as expected")
    return parent[len(head) :]


@dataclass(frozen=True)
class CmsTemplate:
    """The constant DER of one signer's PAdES CMS, around the three parts that vary."""

    content_type: bytes  # ContentInfo.contentType (signedData)
    signed_data_head: bytes  # SignedData: version .. certificates (everything before signerInfos)
    signer_info_head: bytes  # SignerInfo: version, sid, digestAlgorithm
    attributes: tuple[bytes | None, ...]  # signed attributes in pyHanko's order; None: the message digest
    signature_algorithm: bytes

    @classmethod
    def from_sample(cls, sample: cms.ContentInfo) -> CmsTemplate:
        """Cut a template out of a CMS pyHanko built for this signer (any digest, signature and
        unsigned attributes: they are the parts that vary)."""
        sample = cms.ContentInfo.load(sample.dump())  # as parsed: every field keeps its own bytes
        if sample["content_type"].native != "signed_data":
            raise TemplateMismatch("pyHanko's CMS is not SignedData")
        signed_data = sample["content"]
        infos = signed_data["signer_infos"]
        if len(infos) != 1:
            raise TemplateMismatch(f"pyHanko's CMS has {len(infos)} signer infos, expected 1")
        info = infos[0]
        if signed_data["crls"].native is not None:
            raise TemplateMismatch("the sample must carry no CRLs")
        sd_contents = signed_data.contents
        infos_der = infos.dump()
        if not sd_contents.endswith(infos_der):
            raise TemplateMismatch("signerInfos is not the last field of pyHanko's SignedData")
        head = b"".join(info[name].dump() for name in ("version", "sid", "digest_algorithm"))
        rest = _split(info.contents, head, "SignerInfo head")
        signed_attrs = info["signed_attrs"]
        rest = _split(rest, signed_attrs.dump(), "signed attributes")
        algorithm = info["signature_algorithm"].dump()
        rest = _split(rest, algorithm, "signature algorithm")
        rest = _split(rest, info["signature"].dump(), "signature")
        if rest and rest != info["unsigned_attrs"].dump():
            raise TemplateMismatch("pyHanko's SignerInfo has fields after the unsigned attributes")
        attributes: list[bytes | None] = []
        for attribute in signed_attrs:
            kind = attribute["type"].native
            if kind == _MESSAGE_DIGEST:
                attributes.append(None)
            elif kind == "signing_time":
                raise TemplateMismatch("a PAdES CMS must not carry signingTime (it would vary)")
            else:
                attributes.append(attribute.dump())
        if attributes.count(None) != 1:
            raise TemplateMismatch("pyHanko's signed attributes lack a single message digest")
        return cls(
            content_type=sample["content_type"].dump(),
            signed_data_head=sd_contents[: len(sd_contents) - len(infos_der)],
            signer_info_head=head,
            attributes=tuple(attributes),
            signature_algorithm=algorithm,
        )

    def signed_attributes(self, digest: bytes) -> bytes:
        """The signed attributes as signed (explicit SET OF) for this document's digest."""
        if len(digest) != _DIGEST_SIZE:
            raise ValueError(f"expected a {_DIGEST} digest of {_DIGEST_SIZE} bytes")
        md = cms.CMSAttribute({"type": _MESSAGE_DIGEST, "values": [digest]}).dump()
        return der(0x31, b"".join(md if a is None else a for a in self.attributes))

    def container(self, signed_attributes: bytes, signature: bytes, unsigned: cms.CMSAttributes | None) -> bytes:
        """The ContentInfo DER around them (SET OF re-tagged [0]/[1] IMPLICIT as in SignerInfo)."""
        info = self.signer_info_head + b"\xa0" + signed_attributes[1:] + self.signature_algorithm
        info += der(0x04, signature)
        if unsigned is not None:
            info += b"\xa1" + unsigned.dump()[1:]
        signed_data = der(0x30, self.signed_data_head + der(0x31, der(0x30, info)))
        return der(0x30, self.content_type + der(0xA0, signed_data))


def fast_path_applies(signer: Any, digest_algorithm: str, kwargs: dict[str, Any]) -> bool:
    """True when ``Signer.async_sign`` would build exactly what the template reproduces."""
    settings = kwargs.get("signed_attr_settings")
    return (
        digest_algorithm.lower() == _DIGEST
        and kwargs.get("use_pades", False) is True
        and kwargs.get("is_pdf_sig", True) is True
        and kwargs.get("encap_content_info") is None
        and (
            settings is None
            or (settings.cades_signed_attrs is None and getattr(settings, "adobe_revinfo_attr", None) is None)
        )
        and signer.signed_attr_prov_spec is None
        and not signer.attribute_certs
    )
