"""The seal's CMS container, spliced from per-signer constant DER (`signing.cms_template`), is
byte for byte the container pyHanko builds itself: these tests fail loudly when a pyHanko upgrade
changes what goes into it (issue 14 point 4)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
from typing import Any

import pytest
from asn1crypto import cms
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.sign.timestamps import HTTPTimeStamper

from signing import Indication, SealAppearance, Sealer, verify_pdf
from signing._pyhanko_signer import BackendSigner
from signing.cms_template import CmsTemplate, TemplateMismatch, der
from signing.keys import LocalKeyBackend

from .conftest import Pki
from .helpers import AUTHORITY, make_pdf


class _DeterministicSigner(BackendSigner):
    """Raw signature = a hash of what is signed (ECDSA is randomised): equal containers then mean
    equal signed bytes too."""

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        return hashlib.sha512(data).digest()[: self.backend.signature_size - 8]


def _both(signer: BackendSigner, digest: bytes, **kwargs: Any) -> tuple[bytes, bytes]:
    ours = asyncio.run(signer.async_sign(digest, "sha256", **kwargs)).dump()
    pyhanko = asyncio.run(Signer.async_sign(signer, digest, "sha256", **kwargs)).dump()
    return ours, pyhanko


@pytest.mark.parametrize("dry_run", [True, False])
def test_spliced_container_is_pyhankos_byte_for_byte(backend: LocalKeyBackend, dry_run: bool) -> None:
    signer = _DeterministicSigner(backend)
    settings = PdfCMSSignedAttributes(signing_time=None)
    asyncio.run(signer.async_sign(bytes(32), "sha256", use_pades=True, dry_run=True))  # pyHanko's, cut once
    assert signer._template is not None
    for _ in range(4):
        ours, pyhanko = _both(signer, os.urandom(32), use_pades=True, dry_run=dry_run, signed_attr_settings=settings)
        assert ours == pyhanko


def test_spliced_container_with_a_time_stamp_is_pyhankos(backend: LocalKeyBackend, tsa_url: str) -> None:
    """B-T: the unsigned attributes (the signature time-stamp) are pyHanko's own, spliced in; the
    dry run's token is the timestamper's cached one, so the bytes compare."""
    signer = _DeterministicSigner(backend)
    stamper = HTTPTimeStamper(tsa_url)
    asyncio.run(signer.async_sign(bytes(32), "sha256", use_pades=True, dry_run=True, timestamper=stamper))
    assert signer._template is not None
    ours, pyhanko = _both(signer, os.urandom(32), use_pades=True, dry_run=True, timestamper=stamper)
    assert ours == pyhanko
    real = asyncio.run(signer.async_sign(os.urandom(32), "sha256", use_pades=True, timestamper=stamper))
    assert real["content"]["signer_infos"][0]["unsigned_attrs"][0]["type"].native == "signature_time_stamp_token"


def test_other_shapes_are_pyhankos_own(backend: LocalKeyBackend) -> None:
    """Not PAdES (a signingTime attribute), or another digest: pyHanko builds them, no template."""
    signer = _DeterministicSigner(backend)
    asyncio.run(signer.async_sign(bytes(32), "sha256", use_pades=True, dry_run=True))
    template = signer._template
    when = PdfCMSSignedAttributes(signing_time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    ours, pyhanko = _both(signer, os.urandom(32), use_pades=False, dry_run=True, signed_attr_settings=when)
    assert ours == pyhanko
    attrs = [a["type"].native for a in cms.ContentInfo.load(ours)["content"]["signer_infos"][0]["signed_attrs"]]
    assert "signing_time" in attrs
    assert signer._template is template


def test_a_container_it_cannot_splice_is_refused(backend: LocalKeyBackend) -> None:
    """A signingTime attribute would vary per signature: no template is cut from such a CMS."""
    signer = BackendSigner(backend)
    when = PdfCMSSignedAttributes(signing_time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    sample = asyncio.run(Signer.async_sign(signer, bytes(32), "sha256", dry_run=True, signed_attr_settings=when))
    with pytest.raises(TemplateMismatch, match="signingTime"):
        CmsTemplate.from_sample(sample)


def test_der_lengths() -> None:
    assert der(0x04, b"x" * 5) == b"\x04\x05" + b"x" * 5
    assert der(0x04, b"x" * 200)[:3] == b"\x04\x81\xc8"
    assert der(0x30, b"x" * 1799)[:4] == b"\x30\x82\x07\x07"


def test_sealed_with_the_template_verifies(backend: LocalKeyBackend, pki: Pki) -> None:
    """The sealer's first container is pyHanko's (its room estimate); the seals after it are
    spliced, and verify like any seal."""
    sealer = Sealer(backend)
    appearance = SealAppearance(authority_name=AUTHORITY)
    first = sealer.seal(make_pdf(), appearance)
    assert sealer.signer._template is not None
    second = sealer.seal(make_pdf(text="another decision"), appearance)
    for pdf in (first, second):
        report = verify_pdf(pdf, [pki.ca_pem])
        assert report.indication is Indication.PASSED, report.to_text()
