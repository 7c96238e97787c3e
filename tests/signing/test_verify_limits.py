"""`verify_pdf` bounds the work a crafted file can cause (issue 16): each limit in
`signing.verify.Limits` answers FAILED / PDF_TOO_COMPLEX before any signature is parsed."""

from __future__ import annotations

import time

from signing.report import Indication
from signing.verify import Limits, verify_pdf
from tests.signing_bombs import signature_field_bomb


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _code(pdf: bytes, limits: Limits | None = None) -> tuple[Indication, str, str | None]:
    report = verify_pdf(pdf, [], limits=limits or Limits())
    return report.indication, report.findings[0].code, report.findings[0].detail


def test_thirty_thousand_signature_fields_answer_at_once() -> None:
    bomb = signature_field_bomb(fields=30_000, target_bytes=10 * 1024 * 1024)
    started = time.perf_counter()
    indication, code, detail = _code(bomb)
    assert time.perf_counter() - started < 1.0
    assert (indication, code) == (Indication.FAILED, "PDF_TOO_COMPLEX") and "30000 signature fields" in (detail or "")


def test_a_wide_field_tree_without_signature_markers_is_caught_on_the_form_tree() -> None:
    kids = [b"<< /T (k%d) /Parent 3 0 R >>" % i for i in range(60)]
    refs = b" ".join(b"%d 0 R" % (4 + i) for i in range(60))
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>"
    pdf = _pdf([catalog, b"<< /Type /Pages /Kids [] /Count 0 >>", b"<< /T (root) /Kids [" + refs + b"] >>", *kids])
    indication, code, detail = _code(pdf)
    assert (indication, code) == (Indication.FAILED, "PDF_TOO_COMPLEX") and "form fields" in (detail or "")


def test_too_many_revisions_and_objects() -> None:
    small = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    updates = small + b"".join(b"\nstartxref\n9\n%%EOF\n" for _ in range(40))
    assert _code(updates)[1] == "PDF_TOO_COMPLEX" and "revisions" in (_code(updates)[2] or "")
    assert _code(small, Limits(max_objects=1))[1] == "PDF_TOO_COMPLEX"
    assert _code(small)[1] == "NO_SIGNATURE"  # within the limits: looked at, nothing signed
