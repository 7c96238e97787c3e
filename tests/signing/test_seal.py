"""Sealing: PAdES levels, certification, appearance, font embedding, rendering."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from unittest import mock

import pytest

from signing.keys import LocalKeyBackend
from signing.report import Indication
from signing.seal import RevocationSources, SealAppearance, Sealer, SealingError
from signing.verify import verify_pdf

from .conftest import Pki
from .helpers import AUTHORITY, encrypted_pdf, make_pdf, require_tool


def _reader(pdf: bytes):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(pdf))


def test_sealed_pdf_verifies_as_pades_b_b(sealed_pdf: bytes, pki: Pki) -> None:
    report = verify_pdf(sealed_pdf, [pki.ca_pem])
    assert report.indication is Indication.PASSED, report.to_text()
    assert report.pades_level == "B-B"
    assert report.codes[0] == "SEAL_VALID"
    assert report.integrity.coverage == "ENTIRE_FILE"
    assert report.integrity.docmdp_permission == "NO_CHANGES"
    assert report.identity.chains_to_trust_anchor
    assert "行政审批专用章" in (report.identity.subject or "")
    assert report.identity.valid_at_signing_time is True


def test_seal_is_certifying_pades_no_changes(sealed_pdf: bytes) -> None:
    reader = _reader(sealed_pdf)
    sig = reader.embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.docmdp_level.name == "NO_CHANGES"
    perms = reader.root["/Perms"]["/DocMDP"]
    assert perms.get_object() is not None
    assert sig.sig_object["/Location"] == "XX市"


def _stamp_font(pdf: bytes):  # type: ignore[no-untyped-def]
    reader = _reader(pdf)
    field = reader.embedded_signatures[0].sig_field
    stamp = field["/AP"]["/N"]  # the widget's normal appearance is the stamp
    fonts = stamp["/Resources"]["/Font"]
    return stamp, fonts["/SealFont"].get_object()


def test_stamp_font_is_embedded_cjk_subset(sealed_pdf: bytes) -> None:
    stamp, font = _stamp_font(sealed_pdf)
    assert font["/Subtype"] == "/Type0"
    cid_font = font["/DescendantFonts"][0].get_object()
    assert "+" in cid_font["/BaseFont"]  # subset prefix
    descriptor = cid_font["/FontDescriptor"]
    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    assert program is not None and len(program.get_object().data) > 1000
    # widths are in PDF units (1/1000 em): full-width CJK glyphs are 1000
    widths = [w for w in cid_font["/W"] if isinstance(w, list)]
    assert 1000 in {int(v) for chunk in widths for v in chunk}
    # ToUnicode lets viewers copy the Chinese text out of the stamp
    assert b"/ActualText" in stamp.data
    assert "/ToUnicode" in font


def test_stamp_renders_red_seal_in_box(sealed_pdf: bytes, tmp_path: Path) -> None:
    require_tool("pdftoppm")
    pdf = tmp_path / "sealed.pdf"
    pdf.write_bytes(sealed_pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    png = (tmp_path / "page.png").read_bytes()
    width, height, pixels = _decode_png(png)
    scale = 60 / 72
    x1, y1, x2, y2 = SealAppearance(authority_name=AUTHORITY).box

    def is_red(p: tuple[int, int, int]) -> bool:
        return p[0] > 150 and p[0] - p[1] > 60 and p[0] - p[2] > 60

    inside = outside = text_band = 0
    d = min(x2 - x1, y2 - y1)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    for y in range(height):
        pdf_y = (height - y) / scale
        for x in range(width):
            if is_red(pixels[y][x]):
                pdf_x = x / scale
                if x1 <= pdf_x <= x2 and y1 <= pdf_y <= y2:
                    inside += 1
                else:
                    outside += 1
                # the band of 行政审批专用章 under the star: only glyphs are drawn there
                if abs(pdf_x - cx) < 0.3 * d and cy - 0.22 * d < pdf_y < cy - 0.13 * d:
                    text_band += 1
    assert inside > 300, "seal should leave plenty of red pixels in its box"
    assert outside == 0
    assert text_band > 60, "the Chinese seal text did not render"


def _decode_png(data: bytes) -> tuple[int, int, list[list[tuple[int, int, int]]]]:
    """Tiny PNG decoder for pdftoppm's 8-bit RGB output (no Pillow needed)."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert (depth, colour) == (8, 2)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3
    rows: list[bytearray] = []
    prev = bytearray(stride)
    i = 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - 3] if x >= 3 else 0
            b = prev[x]
            c = prev[x - 3] if x >= 3 else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(line)
        prev = line
    pixels = [[(r[x], r[x + 1], r[x + 2]) for x in range(0, stride, 3)] for r in rows]
    return width, height, pixels


def test_b_t_with_timestamp_authority(backend: LocalKeyBackend, sample_pdf: bytes, tsa_url: str, pki: Pki) -> None:
    sealer = Sealer(backend, timestamp_url=tsa_url)
    assert sealer.level == "B-T"
    sealed = sealer.seal(sample_pdf, SealAppearance(authority_name=AUTHORITY))
    report = verify_pdf(sealed, [pki.ca_pem])
    assert report.indication is Indication.PASSED, report.to_text()
    assert report.pades_level == "B-T"
    assert report.timing.timestamp_valid is True
    assert "UAP Dev TSA" in (report.timing.timestamp_authority or "")
    assert "TIMESTAMP_PRESENT" in report.codes


def test_b_lt_embeds_revocation_data(backend: LocalKeyBackend, sample_pdf: bytes, tsa_url: str, pki: Pki) -> None:
    sealer = Sealer(backend, timestamp_url=tsa_url, revocation=RevocationSources(crls=[pki.crl_pem]))
    assert sealer.level == "B-LT"
    sealed = sealer.seal(sample_pdf, SealAppearance(authority_name=AUTHORITY))
    reader = _reader(sealed)
    dss = reader.root["/DSS"]
    assert len(dss["/CRLs"]) >= 1 and len(dss["/Certs"]) >= 1
    report = verify_pdf(sealed, [pki.ca_pem])
    assert report.indication is Indication.PASSED, report.to_text()
    assert report.pades_level == "B-LT"
    # The DSS is part of the sealed revision: the seal covers the whole file, no update follows.
    assert report.integrity.revisions_after_signing == 0
    assert "UPDATES_AFTER_SIGNING_ALLOWED" not in report.codes


def test_revocation_without_timestamp_is_rejected(backend: LocalKeyBackend) -> None:
    with pytest.raises(ValueError, match="B-T"):
        Sealer(backend, revocation=RevocationSources(allow_fetching=True))
    with pytest.raises(ValueError, match="B-LT"):  # a document time-stamp needs the validation data
        Sealer(backend, timestamp_url="http://127.0.0.1:9/tsa", archival_timestamp=True)


def test_key_is_loaded_once_across_seals(pki: Pki, sample_pdf: bytes) -> None:
    backend = LocalKeyBackend(pki.dev.seal_key, pki.dev.seal_cert, [pki.dev.ca_cert])
    with mock.patch.object(LocalKeyBackend, "_load", autospec=True, side_effect=LocalKeyBackend._load) as load:
        sealer = Sealer(backend)
        appearance = SealAppearance(authority_name=AUTHORITY)
        first = sealer.seal(sample_pdf, appearance)
        second = sealer.seal(make_pdf(text="another decision"), appearance)
    assert load.call_count == 1
    for pdf in (first, second):
        assert verify_pdf(pdf, [pki.ca_pem]).passed


def _signature_room(pdf: bytes) -> int:
    """Bytes of the signature's /Contents placeholder (the container, zero-padded)."""
    return len(_reader(pdf).embedded_signatures[0].sig_object["/Contents"])


@pytest.mark.parametrize("level", ["B-B", "B-T"])
def test_signature_room_is_sized_once_per_sealer_as_pyhanko_sizes_it(
    backend: LocalKeyBackend, sample_pdf: bytes, tsa_url: str, pki: Pki, level: str
) -> None:
    """pyHanko sizes the placeholder with a whole dry-run CMS before every signature (about half
    of a B-B seal); the sealer does it once and reserves the room pyHanko reserves itself."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    from signing._pyhanko_signer import BackendSigner

    sealer = Sealer(backend, timestamp_url=tsa_url if level == "B-T" else None)
    assert sealer.level == level
    appearance = SealAppearance(authority_name=AUTHORITY)
    dry_runs: list[bool] = []
    sign_raw = BackendSigner.async_sign_raw

    async def spy(self: BackendSigner, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        dry_runs.append(dry_run)
        return await sign_raw(self, data, digest_algorithm, dry_run)

    with mock.patch.object(BackendSigner, "async_sign_raw", spy):
        sealed = [sealer.seal(sample_pdf, appearance), sealer.seal(make_pdf(text="another decision"), appearance)]
    assert dry_runs == [True, False, False]  # one estimate, then one real signature per seal
    for pdf in sealed:
        report = verify_pdf(pdf, [pki.ca_pem])
        assert report.indication is Indication.PASSED and report.pades_level == level, report.to_text()
    meta = signers.PdfSignatureMetadata(
        field_name="ApprovalSeal",
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    bare = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(sample_pdf)), meta, signer=sealer.signer, timestamper=sealer.timestamper
    )
    assert _signature_room(sealed[0]) == _signature_room(sealed[1]) == _signature_room(bare.getvalue())
    assert sealer.reserved_bytes() == 2 * _signature_room(bare.getvalue())


def test_seal_on_last_page_with_negative_index(sealer: Sealer, pki: Pki) -> None:
    pdf = make_pdf(pages=3)
    sealed = sealer.seal(pdf, SealAppearance(authority_name=AUTHORITY, page=-1, show_time=False))
    reader = _reader(sealed)
    widget = reader.embedded_signatures[0].sig_field
    last_page_ref = reader.find_page_for_modification(2)[0]
    assert widget.raw_get("/P").idnum == last_page_ref.idnum
    assert verify_pdf(sealed, [pki.ca_pem]).passed


def test_bad_inputs_raise_sealing_error(sealer: Sealer, sealed_pdf: bytes) -> None:
    appearance = SealAppearance(authority_name=AUTHORITY)
    with pytest.raises(SealingError):
        sealer.seal(b"not a pdf", appearance)
    with pytest.raises(SealingError):
        # a certifying signature must be the first one in the document
        sealer.seal(sealed_pdf, appearance, field_name="Second")
    with pytest.raises(SealingError, match="glyphs"):
        sealer.seal(make_pdf(), SealAppearance(authority_name="\U0001f600 Emoji Bureau"))


def test_encrypted_input_is_refused(sealer: Sealer) -> None:
    with pytest.raises(SealingError):
        sealer.seal(encrypted_pdf(), SealAppearance(authority_name=AUTHORITY))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"authority_name": " "}, "empty"), ({"authority_name": "X局", "box": (0, 0, 50, 50)}, "smaller")],
)
def test_appearance_validation(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        SealAppearance(**kwargs)
