"""Crafted PDFs that cost a verifier work out of proportion to their size (issue 16)."""

from __future__ import annotations


def signature_field_bomb(fields: int = 30_000, target_bytes: int = 10 * 1024 * 1024) -> bytes:
    """A syntactically valid PDF whose AcroForm holds `fields` filled signature fields, each with
    its own signature dictionary, padded with zero `/Contents` to at most `target_bytes`."""
    overhead = len(_bomb(fields, 0))
    return _bomb(fields, max(0, (target_bytes - overhead) // fields // 2))


def _bomb(fields: int, hex_bytes: int) -> bytes:
    first = 3
    refs = " ".join(f"{first + 2 * i} 0 R" for i in range(fields)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [" + refs + b"] /SigFlags 3 >> >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    contents = b"<" + b"00" * hex_bytes + b">"
    for i in range(fields):
        objects.append(b"<< /FT /Sig /T (s%d) /V %d 0 R >>" % (i, first + 2 * i + 1))
        objects.append(
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
            b"/ByteRange [0 10 20 10] /Contents " + contents + b" >>"
        )
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
