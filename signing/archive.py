"""Keeping sealed PDFs verifiable for decades: renewing the archival time-stamp (PAdES B-LTA).

A B-LTA file ends with a document time-stamp that protects the seal and the validation data in
its DSS. That protection lasts as long as the time-stamp can itself be validated, i.e. until the
time-stamping authority's certificate expires (or its algorithms weaken). Before that, the
archive adds a new document time-stamp over the whole file, together with fresh validation
data for the previous one (PAdES "archive time-stamp chain"); pyHanko's
``PdfTimeStamper.update_archival_timestamp_chain`` does exactly that.

:func:`last_timestamp_expiry` tells when the newest time-stamp's TSA certificate expires (the
archive schedules the renewal from it); :func:`renew_archival_timestamp` adds the new one.
Both import pyHanko lazily; the scheduled job (``chalicelib/services/archival_timestamps.py``)
calls them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

__all__ = ["ArchiveError", "last_timestamp_expiry", "renew_archival_timestamp"]


class ArchiveError(Exception):
    """The file could not be re-time-stamped (TSA or revocation source down, bad file); the
    caller keeps the old file and tries again later."""


def last_timestamp_expiry(pdf: bytes) -> dt.datetime | None:
    """``notAfter`` of the TSA certificate of the newest time-stamp in ``pdf``: the last document
    time-stamp, else the seal's signature time-stamp; None if the file has no time-stamp."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.general import extract_certificate_info

    reader = PdfFileReader(io.BytesIO(pdf))
    doc_timestamps = reader.embedded_timestamp_signatures
    if doc_timestamps:
        token = doc_timestamps[-1].signed_data
    else:
        signatures = reader.embedded_regular_signatures
        if not signatures:
            return None
        attrs = signatures[-1].signer_info["unsigned_attrs"]
        tokens = [a["values"][0] for a in attrs if a["type"].native == "signature_time_stamp_token"] if attrs else []
        if not tokens:
            return None
        token = tokens[0]["content"]
    cert = extract_certificate_info(token).signer_cert
    not_after: dt.datetime = cert["tbs_certificate"]["validity"]["not_after"].native
    return not_after


def renew_archival_timestamp(
    pdf: bytes,
    timestamp_url: str,
    trust_roots: Sequence[x509.Certificate],
    *,
    timeout: float = 10,
) -> bytes:
    """``pdf`` with fresh validation data for its newest time-stamp and a new document time-stamp
    over everything, appended as incremental updates (the earlier bytes are unchanged).

    Validation data is fetched from the URLs in the certificates (the TSA's OCSP responder or
    CRL); anything failing (TSA down, no revocation answer, a time-stamp that no longer
    validates) raises :class:`ArchiveError` and nothing is returned.
    """
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    roots = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in trust_roots]
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        context = ValidationContext(
            trust_roots=roots,
            allow_fetching=True,
            revocation_mode="hard-fail",
            fetcher_backend=RequestsFetcherBackend(),  # the aiohttp one leaves sessions unclosed per run
        )
        stamper = PdfTimeStamper(HTTPTimeStamper(timestamp_url, timeout=timeout))
        out = asyncio.run(stamper.async_update_archival_timestamp_chain(reader, context, in_place=False))
    except Exception as exc:  # pyHanko and the HTTP stack raise many unrelated types
        raise ArchiveError(f"re-time-stamping failed: {type(exc).__name__}: {exc}") from exc
    renewed = bytes(out.getbuffer())
    if not renewed.startswith(pdf):
        raise ArchiveError("re-time-stamping rewrote earlier bytes")  # pragma: no cover - defensive
    return renewed
