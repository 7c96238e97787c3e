"""The certificate PDF: text layer, embedded font, QR code, empty seal box, sealing, determinism, bad input.

Checks go through poppler (pdftotext, pdffonts, pdfinfo, pdftoppm, pdfsig), i.e. what a viewer
sees, not what the renderer meant to draw. Skipped only when poppler/NSS tools are missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.rendering.certificate_pdf import (
    MAX_DETAIL_VALUE,
    MAX_DETAILS,
    MAX_HOLDER_NAME,
    MAX_ITEM_NAME,
    PAGE_SIZE,
    QR_BOX,
    SEAL_BOX,
    CertificateView,
    format_cn_date,
    qr_matrix,
    render_certificate,
    wrap,
)
from tests.conftest import ROOT

AUTHORITY = "舟山市行政审批局"
VIEW = CertificateView(
    title="建设工程规划许可证",
    number="ZS-ZRZY-2026-000001",
    holder_name="舟山市海天建设开发有限公司",
    holder_identifier="91330900MA2A1B2C3D",
    item_name="建设工程规划许可证核发",
    authority_name=AUTHORITY,
    issued_on=date(2026, 11, 22),
    valid_until=date(2031, 11, 21),
    details=(
        ("建设项目名称", "舟山市新城商务中心二期工程"),
        ("建设位置", "舟山市定海区临城街道新城大道与海天大道交叉口东北侧，地块编号 DH-2025-017"),
        ("建设规模", "总建筑面积 86,500 平方米，其中地上 62,300 平方米、地下 24,200 平方米。"),
    ),
    verification_url="https://zwfw.zhoushan.gov.cn/zzhy/v/ZS-ZRZY-2026-000001?c=7KQ2-M9XD",
    verification_code="7KQ2-M9XD",
)
RED = (180, 90, 90)  # r above, g and b below


def require_tool(*names: str) -> None:
    for name in names:
        if shutil.which(name) is None:
            package = "libnss3-tools" if name == "certutil" else "poppler-utils"
            pytest.skip(f"{name} not installed (Debian package {package})")


def _tool(args: list[str], pdf: bytes, tmp_path: Path, name: str = "doc.pdf") -> str:
    require_tool(args[0])
    path = tmp_path / name
    path.write_bytes(pdf)
    to_stdout = ["-"] if args[0] == "pdftotext" else []
    result = subprocess.run([*args, str(path), *to_stdout], capture_output=True, text=True, check=True)
    return result.stdout


def _raster(pdf: bytes, tmp_path: Path, dpi: int) -> Any:
    """Page 1 as a PIL RGB image (1 px = 1 pt at 72 dpi)."""
    from PIL import Image

    require_tool("pdftoppm")
    src = tmp_path / f"raster-{dpi}.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(src), str(tmp_path / f"page-{dpi}")], check=True
    )
    with Image.open(tmp_path / f"page-{dpi}.png") as image:
        return image.convert("RGB")


def _pixels(
    image: Any, box: tuple[float, float, float, float], dpi: int, inset: float = 2
) -> list[tuple[int, int, int]]:
    """The pixels inside a PDF-points box (origin bottom left), shrunk by ``inset`` points."""
    scale = dpi / 72
    x1, y1, x2, y2 = box
    height = PAGE_SIZE[1]
    crop = image.crop(
        (
            round((x1 + inset) * scale),
            round((height - y2 + inset) * scale),
            round((x2 - inset) * scale),
            round((height - y1 - inset) * scale),
        )
    )
    data = crop.tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def _dark(pixels: list[tuple[int, int, int]]) -> int:
    return sum(1 for p in pixels if sum(p) < 3 * 128)


def _is_red(p: tuple[int, int, int]) -> bool:
    return p[0] > RED[0] and p[1] < RED[1] and p[2] < RED[2]


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_certificate(VIEW)


@pytest.fixture(scope="module")
def sealed(pdf: bytes, seal_pki: Path) -> bytes:
    from signing import LocalKeyBackend, SealAppearance, Sealer

    sealer = Sealer(LocalKeyBackend(seal_pki / "seal-key.pem", seal_pki / "seal-cert.pem", [seal_pki / "ca.pem"]))
    return sealer.seal(pdf, SealAppearance(authority_name=AUTHORITY, box=SEAL_BOX, page=0), location="舟山市")


# --- content -----------------------------------------------------------------------------------


def test_text_layer_has_title_holder_number_authority_and_chinese_dates(pdf: bytes, tmp_path: Path) -> None:
    text = _tool(["pdftotext", "-enc", "UTF-8"], pdf, tmp_path).replace("\n", "")
    for expected in (
        "建设工程规划许可证",
        "舟山市海天建设开发有限公司",
        "91330900MA2A1B2C3D",  # printed in full on the licence itself
        "ZS-ZRZY-2026-000001",
        AUTHORITY,
        "2026年11月22日",
        "自2026年11月22日至2031年11月21日",
        "建设工程规划许可证核发",
        "舟山市新城商务中心二期工程",
        "7KQ2-M9XD",
    ):
        assert expected in text, expected


def test_one_a4_page_with_metadata(pdf: bytes, tmp_path: Path) -> None:
    info = _tool(["pdfinfo"], pdf, tmp_path)
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert "595.276 x 841.89 pts (A4)" in info, info
    assert "建设工程规划许可证 ZS-ZRZY-2026-000001" in info  # Title


def test_only_embedded_subset_fonts(pdf: bytes, tmp_path: Path) -> None:
    rows = _tool(["pdffonts"], pdf, tmp_path).splitlines()[2:]
    assert rows, "no fonts"
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+\S+", name), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_stamp_and_certificate_use_the_same_font_file(pdf: bytes, sealed: bytes, tmp_path: Path) -> None:
    """One font for Lambda: the certificate's subset and the seal stamp's come from the same face."""
    rows = _tool(["pdffonts"], sealed, tmp_path).splitlines()[2:]
    assert len(rows) == 2, rows  # the certificate's TrueType subset and the stamp's CID subset
    faces = {row.split()[0].split("+", 1)[1].removesuffix("-Identity-H") for row in rows}
    assert faces == {"WenQuanYiMicroHei"}, faces


def test_validity_forever_and_dates_without_zero_padding(tmp_path: Path) -> None:
    assert format_cn_date(date(2026, 1, 5)) == "2026年1月5日"
    view = replace(VIEW, valid_until=None, issued_on=date(2026, 1, 5), details=())
    text = _tool(["pdftotext", "-enc", "UTF-8"], render_certificate(view), tmp_path)
    assert "长期有效" in text and "2026年1月5日" in text


def test_long_values_wrap_inside_the_table(tmp_path: Path) -> None:
    value = "总建筑面积 86,500 平方米，" * 20  # 340 characters across several details
    view = replace(
        VIEW,
        holder_name="舟山市海天建设开发有限公司" * 4,  # 52 characters
        item_name="许可事项" * (MAX_ITEM_NAME // 4 // 3),
        details=(("建设规模（含地下部分及配套设施）"[:16], value[:MAX_DETAIL_VALUE]),),
    )
    pdf = render_certificate(view)
    text = _tool(["pdftotext", "-enc", "UTF-8"], pdf, tmp_path).replace("\n", "")
    assert value[:MAX_DETAIL_VALUE].replace(" ", "") in text.replace(" ", "")
    bbox = _tool(["pdftotext", "-bbox"], pdf, tmp_path, "bbox.pdf")
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
    left = min(float(x) for x in re.findall(r'xMin="([\d.]+)"', bbox))
    assert left > 55 and right < PAGE_SIZE[0] - 55, (left, right)  # inside the frame's margins


def test_wrap_keeps_ascii_words_and_closing_punctuation() -> None:
    from chalicelib.rendering.certificate_pdf import _font

    font = _font().name
    lines = wrap("地块编号 DH-2025-017，总建筑面积 86,500 平方米。", font, 12, 120)
    assert "".join(lines).replace(" ", "") == "地块编号DH-2025-017，总建筑面积86,500平方米。"
    assert all(not line.startswith(("，", "。")) for line in lines), lines
    assert any("DH-2025-017" in line for line in lines), lines
    assert wrap("第一行\n第二行", font, 12, 300) == ["第一行", "第二行"]
    long_word = wrap("A" * 200, font, 12, 100)  # longer than a line: split, never lost
    assert "".join(long_word) == "A" * 200 and len(long_word) > 1


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="舟山市许可证，。（）ABC-0123 .,", min_size=1, max_size=120), st.floats(40, 400))
def test_wrap_never_loses_text_or_overflows(text: str, width: float) -> None:
    from chalicelib.rendering.certificate_pdf import _font, _width

    font = _font().name
    lines = wrap(text, font, 12, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(_width(line, font, 12) <= width for line in lines), lines


# --- QR code and seal box ----------------------------------------------------------------------


def test_qr_code_is_drawn_module_for_module(pdf: bytes, tmp_path: Path) -> None:
    """Sample every module centre of the rendered page: it matches the qrcode matrix (orientation too)."""
    dpi = 144
    image = _raster(pdf, tmp_path, dpi)
    matrix = qr_matrix(VIEW.verification_url)
    x1, _, x2, y2 = QR_BOX
    module = (x2 - x1) / len(matrix)
    scale = dpi / 72
    wrong = []
    for r, modules in enumerate(matrix):
        for c, dark in enumerate(modules):
            px = round((x1 + (c + 0.5) * module) * scale)
            py = round((PAGE_SIZE[1] - y2 + (r + 0.5) * module) * scale)
            if _dark([image.getpixel((px, py))]) != dark:
                wrong.append((r, c))
    assert not wrong, wrong[:10]
    assert sum(map(sum, matrix)) > len(matrix) ** 2 // 3  # a real code, not an empty square
    quiet = 4 * module  # the quiet zone: 4 modules of white all around
    around = (x1 - quiet, QR_BOX[1] - quiet, x2 + quiet, y2 + quiet)
    assert _dark(_pixels(image, around, dpi, inset=0)) == _dark(_pixels(image, QR_BOX, dpi, inset=-1))


def test_seal_box_is_blank_before_sealing_and_red_after(pdf: bytes, sealed: bytes, tmp_path: Path) -> None:
    before = _pixels(_raster(pdf, tmp_path, 72), SEAL_BOX, 72)
    assert before and all(min(p) >= 250 for p in before), "the seal box must be empty before sealing"
    image = _raster(sealed, tmp_path, 72)
    assert sum(map(_is_red, _pixels(image, SEAL_BOX, 72))) > 300, "no seal impression in the seal box"
    red_anywhere = sum(map(_is_red, _pixels(image, (0, 0, *PAGE_SIZE), 72, inset=0)))
    assert red_anywhere == sum(map(_is_red, _pixels(image, SEAL_BOX, 72, inset=-1)))  # and nowhere else


# --- sealing -----------------------------------------------------------------------------------


def test_sealed_certificate_verifies(sealed: bytes, seal_pki: Path) -> None:
    from signing import Indication, verify_pdf

    report = verify_pdf(sealed, [(seal_pki / "ca.pem").read_bytes()])
    assert report.indication is Indication.PASSED, report.to_text()
    assert report.integrity is not None and report.integrity.docmdp_ok


def test_pdfsig_validates_the_sealed_certificate(sealed: bytes, seal_pki: Path, tmp_path: Path) -> None:
    require_tool("pdfsig", "certutil")
    db = tmp_path / "nssdb"
    db.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "devca", "-t", "CT,C,C", "-i", str(seal_pki / "ca.pem")],
        check=True,
    )
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    result = subprocess.run(["pdfsig", "-nssdir", f"sql:{db}", str(path)], capture_output=True, text=True)
    out = result.stdout + result.stderr
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "Total document signed" in out, out


# --- determinism -------------------------------------------------------------------------------


def test_renders_are_byte_identical(pdf: bytes) -> None:
    assert render_certificate(VIEW) == pdf
    assert render_certificate(replace(VIEW, number="ZS-ZRZY-2026-000002")) != pdf


def test_sha256_is_reproducible_across_interpreters() -> None:
    """Two fresh interpreters (different hash seeds) render byte-identical PDFs. Compared between
    children, not with this process, whose cached font may come from another file of the same face."""
    code = (
        "import hashlib, sys; from tests.unit.test_certificate_pdf import VIEW; "
        "from chalicelib.rendering import render_certificate; "
        "sys.stdout.write(hashlib.sha256(render_certificate(VIEW)).hexdigest())"
    )
    env = {k: v for k, v in os.environ.items() if k.startswith("UAP_SEAL_FONT") or k == "PATH"}
    digests = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**env, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("7", "11")
    ]
    assert len(digests[0]) == 64 and digests[0] == digests[1]


_STREAMS = (
    "import json, sys; from tests.unit.test_certificate_pdf import VIEW, decoded_streams; {setup}"
    "from chalicelib.rendering import render_certificate; "
    "sys.stdout.write(json.dumps(decoded_streams(render_certificate(VIEW))))"
)


def decoded_streams(pdf: bytes) -> list[tuple[str, str]]:
    """Every stream of the PDF in object order: its filters, and its data decoded (hex)."""
    import io as _io

    from pyhanko.pdf_utils.generic import Reference, StreamObject
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(_io.BytesIO(pdf))
    streams = []
    for idnum in range(1, int(reader.trailer_view["/Size"])):
        obj = Reference(idnum, 0, reader).get_object()
        if isinstance(obj, StreamObject):
            streams.append((str(obj.get("/Filter")), obj.data.hex()))
    return streams


def test_reportlab_tuning_changes_only_how_streams_are_compressed() -> None:
    """reportlab_tuning (binary streams, fast Flate, kept font tables) against stock reportlab in
    a second interpreter: the same streams once decoded (font subset, page, ToUnicode), Flate only."""
    disable = (
        "import chalicelib.rendering.reportlab_tuning as t; "
        "t.configure_reportlab = lambda: None; t.keep_tables = lambda face: None; "
    )
    env = {k: v for k, v in os.environ.items() if k.startswith("UAP_SEAL_FONT") or k == "PATH"}
    out = {}
    for name, setup in (("tuned", ""), ("stock", disable)):
        result = subprocess.run(
            [sys.executable, "-c", _STREAMS.format(setup=setup)], cwd=ROOT, capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr
        out[name] = json.loads(result.stdout)
    tuned, stock = out["tuned"], out["stock"]
    assert len(tuned) >= 3 and [data for _, data in tuned] == [data for _, data in stock]
    assert {filters for filters, _ in tuned} == {"['/FlateDecode']"}
    assert any("ASCII85Decode" in filters for filters, _ in stock)  # what the tuning took off (page stream)


# --- bad input ---------------------------------------------------------------------------------

BAD: list[tuple[dict[str, Any], str]] = [
    ({"title": ""}, "title must not be empty"),
    ({"holder_name": "   "}, "holder_name must not be empty"),
    ({"authority_name": ""}, "authority_name must not be empty"),
    ({"number": ""}, "number must not be empty"),
    ({"holder_name": "舟" * (MAX_HOLDER_NAME + 1)}, "holder_name is 101 characters long"),
    ({"title": "许可证" * 11}, "title is 33 characters long"),
    ({"holder_name": "舟山\x00公司"}, "non-printable character U\\+0000"),
    ({"holder_name": "舟山\u202e公司"}, "non-printable character U\\+202E"),  # bidi override
    ({"item_name": "许可\n核发"}, "non-printable"),
    ({"valid_until": date(2026, 11, 21)}, "before issued_on"),
    ({"verification_url": "javascript:alert(1)"}, "verification_url"),
    ({"verification_url": "https://x.cn/" + "a" * 200}, "longer than 200"),
    ({"verification_code": "中文码"}, "verification_code"),
    ({"details": (("键", "值"),) * (MAX_DETAILS + 1)}, "at most 10"),
    ({"details": (("键",),)}, "pair"),
    ({"details": (("", "值"),)}, "label must not be empty"),
    ({"details": [("键", "值")]}, "tuple"),
    ({"issued_on": "2026-11-22"}, "issued_on must be a date"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_view_raises_value_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(VIEW, **change)


def test_text_that_does_not_fit_one_page_raises() -> None:
    view = replace(VIEW, details=tuple((f"明细{i}", "很长的说明文字" * 40) for i in range(MAX_DETAILS)))
    with pytest.raises(ValueError, match="one page"):
        render_certificate(view)


def test_character_missing_from_the_font_raises() -> None:
    with pytest.raises(ValueError, match="U\\+20000"):
        render_certificate(replace(VIEW, holder_name="张\U00020000"))  # CJK Ext. B: not in WenQuanYi (GBK)


def test_not_a_view_raises() -> None:
    with pytest.raises(ValueError, match="CertificateView"):
        render_certificate({"title": "x"})  # type: ignore[arg-type]
