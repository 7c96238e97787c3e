"""Long-term validation against the local PKI service (issue 13 point 6): certomancer's animator
serving the time-stamping authority, OCSP and CRLs for the local CA and a seal per bureau.

Sealing at B-LT fetches OCSP/CRL data from the animator and embeds it in the sealed revision;
B-LTA adds a document time-stamp. Then the animator is stopped and the files still validate from
what they carry (pyHanko with revocation checking *required* and fetching off), and the
independent validators (poppler's pdfsig, endesive) accept them.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from infra.local_pki import LocalPki, PkiServer, ensure_local_pki, read_authorities
from infra.local_stack import free_port
from signing import Indication, verify_pdf
from signing.keys import LocalKeyBackend
from signing.registry import load_registry, pin_registered_seal
from signing.seal import RevocationSources, SealAppearance, Sealer

from .helpers import make_pdf, require_tool
from .independent import endesive_verify, pdfsig, pdfsig_accepts

pytestmark = pytest.mark.slow  # a PKI built by certomancer and an HTTP animator per module

AUTHORITY = "舟山市行政审批局"


def new_pki(folder: Path) -> LocalPki:
    return ensure_local_pki(folder, read_authorities(), url=f"http://127.0.0.1:{free_port()}")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> LocalPki:
    return new_pki(tmp_path_factory.mktemp("local-pki"))


@pytest.fixture(scope="module")
def animator(pki: LocalPki) -> Iterator[PkiServer]:
    server = PkiServer(pki)
    yield server
    server.stop()


def sealer(pki: LocalPki, level: str) -> Sealer:
    backend = LocalKeyBackend(pki.seal_keys["city-bureau"], pki.seal_certs["city-bureau"], [pki.ca_cert])
    return Sealer(
        backend,
        timestamp_url=pki.tsa_url,
        revocation=RevocationSources(allow_fetching=True),
        archival_timestamp=level == "B-LTA",
    )


def seal(pki: LocalPki, level: str) -> bytes:
    made = sealer(pki, level)
    assert made.level == level
    return made.seal(make_pdf(text=f"Planning permit {level}"), SealAppearance(authority_name=AUTHORITY))


def sealed_revision(pdf: bytes) -> bytes:
    """The file as the seal signed it (its byte range's end): what a viewer shows as "signed version"."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    seal_sig = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures[0]
    start, length = seal_sig.byte_range[2], seal_sig.byte_range[3]
    return pdf[: start + length]


def strict_offline_status(pdf: bytes, pki: LocalPki) -> Any:
    """pyHanko's verdict with revocation checking *required* (hard-fail), fetching off, at the
    signing time, from the document's own DSS only: passes only if the embedded data suffices."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    emb = reader.embedded_regular_signatures[0]
    moment = emb.self_reported_timestamp
    assert isinstance(moment, datetime)
    settings: dict[str, Any] = {
        "trust_roots": [load_cert_from_pemder(str(pki.ca_cert))],
        "allow_fetching": False,
        "revocation_mode": "hard-fail",
        "moment": moment,
    }
    try:
        context = DocumentSecurityStore.read_dss(reader).as_validation_context(settings)
    except NoDSSFoundError:
        context = ValidationContext(**settings, crls=[], ocsps=[])
    return validate_pdf_signature(emb, context)


def test_local_pki_is_stable_one_seal_per_bureau_and_points_at_the_animator(tmp_path: Path) -> None:
    from cryptography import x509

    first = new_pki(tmp_path / "pki")
    before = {code: path.read_bytes() for code, path in first.seal_certs.items()}
    again = ensure_local_pki(tmp_path / "pki", read_authorities())
    # Same keys, same config: certomancer rebuilds byte-identical certificates (RSA root), so the
    # registry's pins and the animator's answers agree across restarts; the URL is kept.
    assert again.url == first.url and {c: p.read_bytes() for c, p in again.seal_certs.items()} == before
    registry = load_registry(first.registry.read_bytes())
    assert sorted(registry.authorities) == sorted(code for code, _, _ in read_authorities())
    fingerprints = {seal.fingerprint for seal in registry.seals}
    assert len(fingerprints) == len(registry.seals) == len(before)  # one distinct seal per bureau
    cert = x509.load_pem_x509_certificate(before["city-bureau"])
    ocsp = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [d.access_location.value for d in ocsp] == [first.ocsp_url]
    crl = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert crl[0].full_name is not None and crl[0].full_name[0].value == first.crl_url


@pytest.mark.parametrize("level", ["B-LT", "B-LTA"])
def test_seals_at_long_term_levels_against_the_animator(pki: LocalPki, animator: PkiServer, level: str) -> None:
    sealed = seal(pki, level)
    report = pin_registered_seal(
        verify_pdf(sealed, [pki.ca_cert.read_bytes()]), load_registry(pki.registry.read_bytes()), "city-bureau"
    )
    assert report.indication is Indication.PASSED, report.to_text()
    assert report.pades_level == level and report.registration.registered
    assert report.timing.timestamp_valid and "UAP Local TSA" in (report.timing.timestamp_authority or "")
    status = strict_offline_status(sealed, pki)
    assert status.bottom_line, status.pretty_print_details()


def test_validates_offline_from_the_embedded_data_with_the_animator_stopped(tmp_path: Path) -> None:
    own = new_pki(tmp_path / "pki")
    server = PkiServer(own)
    try:
        files = {level: seal(own, level) for level in ("B-LT", "B-LTA")}
    finally:
        server.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(own.crl_url, timeout=2)  # nothing answers any more
    for level, sealed in files.items():
        report = verify_pdf(sealed, [own.ca_cert.read_bytes()])
        assert report.indication is Indication.PASSED and report.pades_level == level, report.to_text()
        status = strict_offline_status(sealed, own)
        assert status.bottom_line, status.pretty_print_details()
    # A B-B file has no embedded data: the same strict offline check cannot pass it.
    plain = Sealer(LocalKeyBackend(own.seal_keys["city-bureau"], own.seal_certs["city-bureau"], [own.ca_cert]))
    bare = plain.seal(make_pdf(), SealAppearance(authority_name=AUTHORITY))
    assert verify_pdf(bare, [own.ca_cert.read_bytes()]).pades_level == "B-B"
    assert not strict_offline_status(bare, own).bottom_line


@pytest.mark.parametrize("level", ["B-LT", "B-LTA"])
def test_independent_validators_accept_long_term_seals(
    pki: LocalPki, animator: PkiServer, level: str, tmp_path: Path
) -> None:
    """pdfsig (valid, trusted, total document signed) and endesive. At B-LT the seal covers the whole
    file (its DSS is in the sealed revision). At B-LTA the document time-stamp revision follows the
    seal: neither poppler 22 ("Unable to validate this type of signature") nor endesive validate
    RFC 3161 document time-stamps, so they check the sealed revision, which must then be all of the
    file but the time-stamp's incremental update (pyHanko validates that, above)."""
    sealed = seal(pki, level)
    signed = sealed if level == "B-LT" else sealed_revision(sealed)
    assert (signed == sealed) is (level == "B-LT")
    verdict = endesive_verify(signed, [pki.ca_cert.read_bytes()])
    assert verdict.valid and verdict.bytes_after_signature == 0, verdict
    require_tool("pdfsig", "certutil")
    report = pdfsig(signed, pki.ca_cert, tmp_path)  # NSS asks the animator's OCSP responder online
    assert pdfsig_accepts(report), report
