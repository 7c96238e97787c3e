"""The certificate types' layouts (licence portrait / landscape, approval letter): each draws the
type's own lines, leaves its seal box empty, keeps the QR code, is deterministic and checks glyphs."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from chalicelib.rendering.certificate_pdf import (
    LAYOUTS,
    LETTER,
    LICENCE_LANDSCAPE,
    LICENCE_PORTRAIT,
    SEAL_BOX,
    CertificateView,
    render_certificate,
    seal_box,
)
from tests.unit.test_certificate_pdf import VIEW

FIELDS = (
    ("建设单位", "舟山市海天建设开发有限公司"),
    ("建设项目名称", "舟山市新城商务中心二期工程"),
    ("建设位置", "舟山市定海区临城街道新城大道100号"),
    ("建设规模（平方米）", "86500"),
    ("有效期限", "自2026年11月20日至2031年11月19日"),
)


def view(layout: str) -> CertificateView:
    return replace(VIEW, fields=FIELDS, layout=layout, valid_from=date(2026, 11, 20), details=(("申请编号", "T-1"),))


def _gray(pdf: bytes, tmp_path: Path, name: str) -> tuple[int, int, bytes]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed (Debian package poppler-utils)")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", "72", "-singlefile", str(path), str(tmp_path / name)], check=True)
    data = (tmp_path / f"{name}.pgm").read_bytes()
    header, _, rest = data.partition(b"\n255\n")
    width, height = (int(v) for v in header.split()[1:3])
    return width, height, rest


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_is_deterministic_and_prints_the_type_fields(layout: str, tmp_path: Path) -> None:
    pdf = render_certificate(view(layout))
    assert render_certificate(view(layout)) == pdf  # the same view, the same bytes (SHA-256 reproducible)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace("\n", "").replace(" ", "")
    for label, value in FIELDS:
        assert label in flat and value in flat, (layout, label)
    assert VIEW.number in flat and VIEW.verification_code in flat  # number and QR caption stay
    assert "自2026年11月20日至2031年11月19日" in flat  # validity counted from the decision date


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_leaves_its_seal_box_empty_and_draws_outside_it(layout: str, tmp_path: Path) -> None:
    width, height, grey = _gray(render_certificate(view(layout)), tmp_path, layout)
    x1, y1, x2, y2 = seal_box(layout)
    assert 0 < x1 < x2 <= width and 0 < y1 < y2 <= height  # on the page (1 px = 1 pt)
    inside = [grey[y * width + x] for y in range(height - y2 + 2, height - y1 - 2) for x in range(x1 + 2, x2 - 2)]
    assert min(inside) > 240, "the seal box must be empty before sealing"
    assert sum(1 for p in grey if p < 128) > 2000  # and the page itself is drawn


def test_the_portrait_licence_keeps_the_historic_seal_box() -> None:
    assert seal_box(LICENCE_PORTRAIT) == SEAL_BOX
    assert seal_box(LETTER) == SEAL_BOX  # the letter seals where the licence does


def test_landscape_pages_are_wider_than_high(tmp_path: Path) -> None:
    width, height, _ = _gray(render_certificate(view(LICENCE_LANDSCAPE)), tmp_path, "landscape")
    assert width > height


def test_bad_layouts_fields_and_glyphs_are_refused() -> None:
    with pytest.raises(ValueError, match="layout must be one of"):
        replace(VIEW, layout="poster")
    with pytest.raises(ValueError, match="fields must be a non-empty tuple"):
        replace(VIEW, fields=())
    with pytest.raises(ValueError, match="valid_from"):
        replace(VIEW, valid_from=date(2032, 1, 1))  # after the last valid day
    assert replace(VIEW, valid_from=date(2027, 1, 1)).valid_from == date(2027, 1, 1)  # a renewal issued early
    with pytest.raises(ValueError, match="no glyph"):
        render_certificate(replace(view(LETTER), fields=(("建设单位", "张\U00020000"),)))
    long = tuple((f"栏目{i}", "很长的内容" * 50) for i in range(8))
    for layout in LAYOUTS:
        with pytest.raises(ValueError, match="one page"):
            render_certificate(replace(view(layout), fields=long))
