"""Every kind of bad input yields a report with a specific code, never an exception."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signing.keys import LocalKeyBackend
from signing.report import Indication
from signing.seal import SealAppearance, Sealer
from signing.verify import verify_pdf

from .conftest import Pki
from .helpers import AUTHORITY, encrypted_pdf


def _check(report_pdf: bytes, roots: list[bytes], indication: Indication, sub: str, code: str) -> None:
    report = verify_pdf(report_pdf, roots)
    assert report.indication is indication, report.to_text()
    assert report.sub_indication == sub, report.to_text()
    assert code in report.codes, report.to_text()
    assert report.pades_level is None
    json.dumps(report.to_dict())  # always serialisable


def _incremental(sealed: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _signature_value_offset(sealed: bytes) -> int:
    """File offset of a hex digit inside the CMS signature value."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    emb = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    der = emb.pkcs7_content
    sig = emb.signer_info["signature"].native
    in_der = der.find(sig) + len(sig) // 2
    contents_start = emb.byte_range[1]  # the '<' of /Contents
    return contents_start + 1 + 2 * in_der


def test_not_a_pdf(pki: Pki) -> None:
    _check(b"hello, this is not a PDF", [pki.ca_pem], Indication.FAILED, "FORMAT_FAILURE", "NOT_A_PDF")
    _check(b"", [pki.ca_pem], Indication.FAILED, "FORMAT_FAILURE", "NOT_A_PDF")


def test_truncated(sealed_pdf: bytes, pki: Pki) -> None:
    _check(sealed_pdf[:-200], [pki.ca_pem], Indication.FAILED, "FORMAT_FAILURE", "PDF_TRUNCATED")
    _check(sealed_pdf[: len(sealed_pdf) // 2], [pki.ca_pem], Indication.FAILED, "FORMAT_FAILURE", "PDF_TRUNCATED")


def test_malformed(sealed_pdf: bytes, pki: Pki) -> None:
    garbage = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nstartxref\n99999\n%%EOF\n"
    _check(garbage, [pki.ca_pem], Indication.FAILED, "FORMAT_FAILURE", "PDF_MALFORMED")
    head, _, tail = sealed_pdf.rpartition(b"startxref")
    broken = head + b"startxref\n12" + tail.split(b"\n", 2)[2]
    _check(broken, [pki.ca_pem], Indication.FAILED, "FORMAT_FAILURE", "PDF_MALFORMED")


def test_encrypted(pki: Pki) -> None:
    _check(encrypted_pdf(), [pki.ca_pem], Indication.INDETERMINATE, "GENERIC", "PDF_ENCRYPTED")


def test_no_signature(sample_pdf: bytes, pki: Pki) -> None:
    _check(sample_pdf, [pki.ca_pem], Indication.FAILED, "NO_SIGNATURE", "NO_SIGNATURE")


def test_oversize(sealed_pdf: bytes, pki: Pki) -> None:
    report = verify_pdf(sealed_pdf, [pki.ca_pem], max_bytes=1024)
    assert report.indication is Indication.FAILED
    assert report.codes == ["INPUT_TOO_LARGE"]


def test_foreign_seal_untrusted_ca(pki: Pki, sample_pdf: bytes) -> None:
    rogue = Sealer(LocalKeyBackend(pki.rogue_key, pki.rogue_cert))
    forged = rogue.seal(sample_pdf, SealAppearance(authority_name=AUTHORITY))
    _check(forged, [pki.ca_pem], Indication.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND", "CHAIN_NOT_TRUSTED")
    # trusted CA, but not the certificate this authority pinned
    report = verify_pdf(forged, [pki.rogue_ca_pem], expected_signer_fingerprint="00" * 32)
    assert report.indication is Indication.INDETERMINATE
    assert report.sub_indication == "SIG_CONSTRAINTS_FAILURE"
    assert "SIGNER_MISMATCH" in report.codes
    assert report.identity.matches_expected_signer is False


def test_expected_fingerprint_matches(sealed_pdf: bytes, pki: Pki) -> None:
    fp = verify_pdf(sealed_pdf, [pki.ca_pem]).identity.sha256_fingerprint
    assert fp is not None
    pretty = ":".join(fp[i : i + 2].upper() for i in range(0, len(fp), 2))
    report = verify_pdf(sealed_pdf, [pki.ca_pem], expected_signer_fingerprint=pretty)
    assert report.passed and report.identity.matches_expected_signer is True


def test_no_trust_anchors(sealed_pdf: bytes) -> None:
    report = verify_pdf(sealed_pdf, [])
    assert report.indication is Indication.INDETERMINATE
    assert {"NO_TRUST_ANCHORS", "CHAIN_NOT_TRUSTED"} <= set(report.codes)


def test_byte_flip_in_signed_content(sealed_pdf: bytes, pki: Pki) -> None:
    assert sealed_pdf.count(b"Approval decision") == 1
    tampered = sealed_pdf.replace(b"Approval decision", b"Approval decisioN")
    _check(tampered, [pki.ca_pem], Indication.FAILED, "HASH_FAILURE", "DIGEST_MISMATCH")


def test_byte_flip_in_signature_value(sealed_pdf: bytes, pki: Pki) -> None:
    pos = _signature_value_offset(sealed_pdf)
    flipped = b"0" if sealed_pdf[pos : pos + 1] != b"0" else b"1"
    tampered = sealed_pdf[:pos] + flipped + sealed_pdf[pos + 1 :]
    _check(tampered, [pki.ca_pem], Indication.FAILED, "SIG_CRYPTO_FAILURE", "SIGNATURE_INVALID")


def test_signature_container_destroyed(sealed_pdf: bytes, pki: Pki) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    contents_start = PdfFileReader(io.BytesIO(sealed_pdf)).embedded_signatures[0].byte_range[1]
    assert sealed_pdf[contents_start : contents_start + 1] == b"<"
    # overwrite the CMS header: the container no longer parses
    tampered = sealed_pdf[: contents_start + 1] + b"ff" * 40 + sealed_pdf[contents_start + 81 :]
    _check(tampered, [pki.ca_pem], Indication.FAILED, "FORMAT_FAILURE", "SIGNATURE_FORMAT_UNSUPPORTED")


def test_annotation_added_after_sealing(sealed_pdf: bytes, pki: Pki) -> None:
    from pyhanko.pdf_utils import generic

    def add_annotation(writer) -> None:  # type: ignore[no-untyped-def]
        page_ref = writer.find_page_for_modification(0)[0]
        page = page_ref.get_object()
        annot = writer.add_object(
            generic.DictionaryObject(
                {
                    "/Type": generic.NameObject("/Annot"),
                    "/Subtype": generic.NameObject("/Text"),
                    "/Rect": generic.ArrayObject([generic.NumberObject(v) for v in (50, 50, 80, 80)]),
                    "/Contents": generic.TextStringObject("已作废 (void)"),
                }
            )
        )
        annots = page.get("/Annots", generic.ArrayObject())
        annots.append(annot)
        page["/Annots"] = annots
        writer.update_container(page)

    tampered = _incremental(sealed_pdf, add_annotation)
    _check(tampered, [pki.ca_pem], Indication.FAILED, "MODIFIED_AFTER_SIGNING", "MODIFIED_AFTER_SIGNING")
    assert verify_pdf(tampered, [pki.ca_pem]).integrity.revisions_after_signing == 1


def test_page_added_after_sealing(sealed_pdf: bytes, pki: Pki) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject

    def add_page(writer) -> None:  # type: ignore[no-untyped-def]
        content = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 20 Tf 72 720 Td (forged) Tj ET"))
        writer.insert_page(PageObject(contents=content, media_box=[0, 0, 595, 842]))

    tampered = _incremental(sealed_pdf, add_page)
    _check(tampered, [pki.ca_pem], Indication.FAILED, "MODIFIED_AFTER_SIGNING", "MODIFIED_AFTER_SIGNING")


def test_page_content_replaced_after_sealing(sealed_pdf: bytes, pki: Pki) -> None:
    from pyhanko.pdf_utils import generic

    def replace_content(writer) -> None:  # type: ignore[no-untyped-def]
        page = writer.find_page_for_modification(0)[0].get_object()
        page["/Contents"] = writer.add_object(
            generic.StreamObject(stream_data=b"BT /F1 20 Tf 72 720 Td (Rejected) Tj ET")
        )
        writer.update_container(page)

    tampered = _incremental(sealed_pdf, replace_content)
    _check(tampered, [pki.ca_pem], Indication.FAILED, "MODIFIED_AFTER_SIGNING", "MODIFIED_AFTER_SIGNING")


def test_trailing_garbage_after_eof(sealed_pdf: bytes, pki: Pki) -> None:
    report = verify_pdf(sealed_pdf + b"\n% appended junk\n" * 4, [pki.ca_pem])
    assert report.indication is not Indication.PASSED
    assert "UNSIGNED_TRAILING_DATA" in report.codes


def test_certificate_expired_without_timestamp(sealed_pdf: bytes, pki: Pki) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 5)
    report = verify_pdf(sealed_pdf, [pki.ca_pem], validation_time=later)
    assert report.indication is Indication.INDETERMINATE
    assert report.sub_indication == "OUT_OF_BOUNDS_NO_POE"
    assert "CERTIFICATE_EXPIRED" in report.codes


def test_revocation_published_after_sealing(sealed_pdf: bytes, pki: Pki) -> None:
    """A DSS update carrying a CRL that revokes the seal certificate."""
    from asn1crypto import crl as asn1_crl
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.sign.validation import DocumentSecurityStore

    from signing.devpki import issue_crl

    seal_cert = x509.load_pem_x509_certificate(pki.dev.seal_cert.read_bytes())
    crl = issue_crl(pki.ca_cert, pki.ca_key, revoked_serials=(seal_cert.serial_number,))  # type: ignore[arg-type]
    out = io.BytesIO(sealed_pdf)
    DocumentSecurityStore.add_dss(
        out,
        sig_contents=None,
        crls=[asn1_crl.CertificateList.load(crl.public_bytes(Encoding.DER))],
    )
    report = verify_pdf(out.getvalue(), [pki.ca_pem])
    assert report.indication is Indication.INDETERMINATE, report.to_text()
    assert report.sub_indication == "REVOKED_NO_POE"
    assert "CERTIFICATE_REVOKED" in report.codes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_byte_changes_never_raise_nor_pass(sealed_pdf: bytes, pki: Pki, data: st.DataObject) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    start, length1, start2, length2 = PdfFileReader(io.BytesIO(sealed_pdf)).embedded_signatures[0].byte_range
    signed_offsets = st.one_of(
        st.integers(min_value=start, max_value=length1 - 1),
        st.integers(min_value=start2, max_value=start2 + length2 - 1),
    )
    pos = data.draw(signed_offsets)
    new_byte = data.draw(st.integers(min_value=0, max_value=255).filter(lambda b: b != sealed_pdf[pos]))
    cut = data.draw(st.booleans())
    tampered = sealed_pdf[:pos] if cut else sealed_pdf[:pos] + bytes([new_byte]) + sealed_pdf[pos + 1 :]
    report = verify_pdf(tampered, [pki.ca_pem])
    assert report.indication is not Indication.PASSED, (pos, new_byte, cut)
    assert report.codes


@given(blob=st.binary(max_size=2048))
@settings(max_examples=60, deadline=None)
def test_random_bytes_never_raise(blob: bytes) -> None:
    report = verify_pdf(b"%PDF-1.7\n" + blob, [])
    assert report.indication is not Indication.PASSED


@pytest.mark.parametrize("value", [None, 12, "text"])
def test_wrong_input_types_are_reports(value: object, pki: Pki) -> None:
    report = verify_pdf(value, [pki.ca_pem])  # type: ignore[arg-type]
    assert report.indication is Indication.FAILED and report.codes == ["NOT_A_PDF"]
