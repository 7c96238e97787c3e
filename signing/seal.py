"""Applying the approval seal (行政审批专用章) as a PAdES certifying signature.

One :class:`Sealer` per process: it holds the key backend, the pyHanko signer,
the optional timestamper and the font bytes, so each :meth:`Sealer.seal` call
only does per-document work. PDF bytes in, sealed PDF bytes out.

Levels: PAdES B-B always; B-T when a timestamp authority URL is configured;
B-LT when revocation sources are configured as well (validation data is
embedded in the document security store); B-LTA when, on top of that, a
document time-stamp is asked for (``archival_timestamp``): it seals the DSS
so the validation data itself is protected, and can be renewed later
(:func:`signing.archive.renew_archival_timestamp`) before the time-stamp's certificate expires.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .font import cut_font, load_font
from .keys import KeyBackend

__all__ = [
    "CHINA_TZ",
    "RevocationSources",
    "SealAppearance",
    "Sealer",
    "SealingError",
]

#: China Standard Time (no DST), used for the time printed in the stamp.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")

DEFAULT_BOX = (415, 40, 555, 180)


class SealingError(Exception):
    """The document could not be sealed (bad input PDF or signing failure)."""


@dataclass(frozen=True)
class SealAppearance:
    """What the visible seal says and where it goes.

    ``box`` is ``(x1, y1, x2, y2)`` in PDF points on page ``page`` (negative
    values count from the last page). The default box sits in the lower right
    corner of an A4 page.
    """

    authority_name: str
    seal_text: str = "行政审批专用章"
    page: int = 0
    box: tuple[int, int, int, int] = DEFAULT_BOX
    show_time: bool = True

    def __post_init__(self) -> None:
        if not self.authority_name.strip():
            raise ValueError("authority_name must not be empty")
        x1, y1, x2, y2 = self.box
        if min(x2 - x1, y2 - y1) < 60:
            raise ValueError(f"seal box {self.box} is smaller than 60x60 pt")


@dataclass(frozen=True)
class RevocationSources:
    """Where B-LT validation data comes from.

    ``crls``/``ocsp_responses`` are DER or PEM blobs supplied offline (e.g. the
    CA's current CRL); ``allow_fetching`` lets pyHanko download CRLs/OCSP from
    the URLs in the certificates. ``extra_trust_roots`` covers CAs outside the
    seal chain, such as the TSA's root.
    """

    crls: Sequence[bytes] = ()
    ocsp_responses: Sequence[bytes] = ()
    allow_fetching: bool = False
    extra_trust_roots: Sequence[x509.Certificate] = field(default_factory=tuple)


def _der_crls(blobs: Sequence[bytes]) -> list[bytes]:
    out: list[bytes] = []
    for blob in blobs:
        if b"-----BEGIN" in blob:
            out.append(x509.load_pem_x509_crl(blob).public_bytes(Encoding.DER))
        else:
            out.append(blob)
    return out


# Everything the stamp's time line can contain ("%Y年%m月%d日 %H:%M").
STAMP_TIME_CHARS = "0123456789年月日: "


class Sealer:
    """Seals PDFs with one key backend; build once per process and reuse."""

    def __init__(
        self,
        backend: KeyBackend,
        *,
        timestamp_url: str | None = None,
        revocation: RevocationSources | None = None,
        font_path: str | None = None,
        timestamp_timeout: float = 10,
        archival_timestamp: bool = False,
    ) -> None:
        if revocation is not None and not timestamp_url:
            raise ValueError("B-LT (revocation data) builds on B-T: configure a timestamp URL too")
        if archival_timestamp and revocation is None:
            raise ValueError("B-LTA (document time-stamp) builds on B-LT: configure revocation sources too")
        from pyhanko.sign.timestamps import HTTPTimeStamper

        from ._pyhanko_signer import BackendSigner

        self.backend = backend
        self.signer = BackendSigner(backend)
        self.timestamper = HTTPTimeStamper(timestamp_url, timeout=timestamp_timeout) if timestamp_url else None
        self.revocation = revocation
        self.archival_timestamp = archival_timestamp
        self.font_path, font_bytes = load_font(font_path)
        self._stamp_fonts: dict[tuple[str, str], Any] = {}
        self._cmap: set[int] | None = None
        self._reserved: int | None = None
        self._font_bytes = font_bytes
        self._lock = threading.Lock()

    @property
    def level(self) -> str:
        """PAdES baseline level this sealer produces."""
        if self.timestamper is None:
            return "B-B"
        if self.revocation is None:
            return "B-T"
        return "B-LTA" if self.archival_timestamp else "B-LT"

    def _missing_glyphs(self, text: str) -> list[str]:
        if self._cmap is None:
            from fontTools.ttLib import TTFont

            with self._lock:
                if self._cmap is None:
                    tt = TTFont(io.BytesIO(self._font_bytes), lazy=True)
                    self._cmap = set(tt.getBestCmap())
        return sorted({c for c in text if not c.isspace() and ord(c) not in self._cmap})

    def _stamp_font(self, appearance: SealAppearance) -> Any:
        """The font cut down, once per authority and seal text, to what a stamp can show.

        Opening and subsetting the whole 4.6 MB CJK font on every seal cost ~0.6 s (fontTools);
        the stamp only ever shows the authority name, the seal text and the time, so a ~10 KB
        subset made once is enough (bench/certificates.py measures the difference).
        """
        key = (appearance.authority_name, appearance.seal_text)
        font = self._stamp_fonts.get(key)
        if font is None:
            from .stamp import InMemoryFontFactory

            text = appearance.authority_name + appearance.seal_text + STAMP_TIME_CHARS
            font = InMemoryFontFactory(cut_font(self._font_bytes, text), precut=True)
            with self._lock:
                if len(self._stamp_fonts) >= 64:  # bounded: one entry per authority in practice
                    self._stamp_fonts.clear()
                self._stamp_fonts[key] = font
        return font

    async def _estimate_reserved(self) -> int:
        """Room for the signature container, sized as pyHanko sizes it: a dry-run CMS (no key
        operation, `BackendSigner` returns zeros) with this sealer's certificates and time-stamp
        authority, twice its length (hex) plus pyHanko's 50% margin."""
        from cryptography.hazmat.primitives import hashes
        from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

        digest = hashes.Hash(hashes.SHA256()).finalize()
        cms = await self.signer.async_sign(
            digest,
            "sha256",
            use_pades=True,
            dry_run=True,
            timestamper=self.timestamper,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC)),
        )
        size = len(cms.dump()) * 2
        return size + 2 * (size // 4)

    def reserved_bytes(self) -> int:
        """The signature placeholder's size (hex characters), estimated once per sealer.

        Without it pyHanko estimates before every signature by building a whole dummy CMS, about
        half of a B-B seal's time (bench/README.md, `certificates`). What it depends on is fixed
        for a sealer: the key's signature size, the certificates, the digest, and the time-stamp
        authority's token (which pyHanko's timestamper fetches once per process for the estimate
        anyway). The margin is pyHanko's own, so the file is the size pyHanko would make it.
        """
        if self._reserved is None:
            reserved = asyncio.run(self._estimate_reserved())
            with self._lock:
                self._reserved = reserved
        return self._reserved

    def _validation_context(self) -> Any:
        from pyhanko_certvalidator import ValidationContext
        from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

        from ._pyhanko_signer import to_asn1

        rev = self.revocation
        assert rev is not None
        chain = list(self.backend.chain)
        roots = [c for c in chain if c.issuer == c.subject] or chain[-1:]
        return ValidationContext(
            trust_roots=[to_asn1(c) for c in [*roots, *rev.extra_trust_roots]],
            other_certs=[to_asn1(c) for c in chain],
            crls=_der_crls(rev.crls),
            ocsps=list(rev.ocsp_responses),
            allow_fetching=rev.allow_fetching,
            revocation_mode="soft-fail",
            fetcher_backend=RequestsFetcherBackend(),  # the aiohttp one leaves a session unclosed per seal
        )

    async def _embed_dss(self, writer: Any, context: Any) -> None:
        """Put the seal's and the time-stamp authority's validation data (certificates, OCSP
        responses, CRLs, fetched now) into the revision the seal then signs.

        PAdES B-LT only asks for a DSS; pyHanko appends it after the signature, which leaves the
        seal covering less than the file, so poppler's ``pdfsig`` says "Not total document
        signed" (the sign it gives of an incremental-update attack). Both certificates are known
        before signing (the TSA's from the size-estimation token pyHanko asks for anyway and
        caches), so their data can be signed with the document instead.
        """
        from pyhanko.sign.general import extract_certificate_info
        from pyhanko.sign.validation import DocumentSecurityStore
        from pyhanko_certvalidator import CertificateValidator

        from ._pyhanko_signer import to_asn1

        assert self.timestamper is not None
        token = await self.timestamper.async_dummy_response("sha256")
        tsa = extract_certificate_info(token["content"])
        chain = [to_asn1(c) for c in self.backend.chain]
        subjects = [(to_asn1(self.backend.certificate), chain), (tsa.signer_cert, list(tsa.other_certs))]
        paths = []
        for cert, others in subjects:
            validator = CertificateValidator(cert, intermediate_certs=others, validation_context=context)
            paths.append(await validator.async_validate_usage(key_usage=set()))
        DocumentSecurityStore.supply_dss_in_writer(writer, None, paths=paths, validation_context=context)

    def seal(
        self,
        pdf: bytes,
        appearance: SealAppearance,
        *,
        reason: str = "行政审批 (administrative approval)",
        location: str | None = None,
        field_name: str = "ApprovalSeal",
        when: dt.datetime | None = None,
    ) -> bytes:
        """Return ``pdf`` with the seal applied as a certifying PAdES signature.

        The seal certifies the document with DocMDP "no changes allowed":
        any later edit (other than PAdES DSS/timestamp updates) invalidates it.
        ``when`` only sets the time printed in the stamp (default: now, CST).
        """
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

        from .stamp import SealStampStyle

        missing = self._missing_glyphs(appearance.authority_name + appearance.seal_text)
        if missing:
            raise SealingError(f"seal font {self.font_path.name} lacks glyphs for {''.join(missing)}")
        shown = (when or dt.datetime.now(CHINA_TZ)).astimezone(CHINA_TZ)
        style = SealStampStyle(
            font=self._stamp_font(appearance),
            authority_name=appearance.authority_name,
            seal_text=appearance.seal_text,
            time_text=shown.strftime("%Y年%m月%d日 %H:%M") if appearance.show_time else "",
        )
        context = self._validation_context() if self.revocation else None
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            reason=reason,
            location=location,
            name=appearance.authority_name,
            certify=True,
            docmdp_permissions=MDPPerm.NO_CHANGES,
            subfilter=SigSeedSubFilter.PADES,
            # B-LT: the validation data goes into the sealed revision itself (see _embed_dss), so
            # the seal covers the whole file; pyHanko's own post-signing DSS update is needed only
            # under the document time-stamp of B-LTA.
            embed_validation_info=self.archival_timestamp,
            validation_context=context,
            use_pades_lta=self.archival_timestamp,
        )
        spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=appearance.page, box=appearance.box)
        pdf_signer = signers.PdfSigner(
            meta,
            signer=self.signer,
            timestamper=self.timestamper,
            stamp_style=style,
            new_field_spec=spec,
        )
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            if writer.prev.encrypted:
                raise SealingError("encrypted PDFs cannot be sealed")
            if context is not None:
                asyncio.run(self._embed_dss(writer, context))
            out = pdf_signer.sign_pdf(writer, bytes_reserved=self.reserved_bytes())
        except SealingError:
            raise
        except Exception as exc:  # pyHanko raises many unrelated types
            raise SealingError(f"sealing failed: {type(exc).__name__}: {exc}") from exc
        return bytes(out.getbuffer())
