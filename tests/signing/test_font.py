"""Font discovery: explicit path, env var, collections, install for Lambda."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing import font


def test_default_font_is_found_and_covers_seal_text() -> None:
    import io

    from fontTools.ttLib import TTFont

    path, data = font.load_font()
    assert data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")  # a single font, not a collection
    cmap = TTFont(io.BytesIO(data), lazy=True).getBestCmap()
    assert all(ord(c) in cmap for c in "XX市行政审批局行政审批专用章0123456789:-年月日")
    assert path.is_file()


def test_env_var_wins_and_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    default, _ = font.load_font()
    monkeypatch.setenv(font.ENV_VAR, str(default))
    assert font.find_font() == default
    monkeypatch.setenv(font.ENV_VAR, str(tmp_path / "nope.ttf"))
    with pytest.raises(font.FontNotFoundError, match="UAP_SEAL_FONT"):
        font.find_font()
    assert font.find_font(default) == default  # explicit argument beats env


def test_rejects_non_font_and_reports_search_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bogus = tmp_path / "font.woff2"
    bogus.write_bytes(b"x")
    with pytest.raises(font.FontNotFoundError):
        font.find_font(bogus)
    monkeypatch.delenv(font.ENV_VAR, raising=False)
    monkeypatch.setattr(font, "candidate_paths", lambda: [tmp_path / "missing.ttf"])
    with pytest.raises(font.FontNotFoundError, match="fonts-wqy-microhei"):
        font.find_font()


def test_install_font_writes_single_ttf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(font, "PACKAGE_FONT_DIR", tmp_path / "fonts")
    source, data = font.load_font()
    dest = font.install_font(source)
    assert dest.parent == tmp_path / "fonts" and dest.suffix == ".ttf"
    assert dest.read_bytes() == data
    assert font.install_font(source) == dest  # idempotent


def test_extracting_from_a_collection_does_not_stamp_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system font is a .ttc: the member extracted from it must be the same bytes whenever it
    is extracted, or certificates rendered with it stop being byte-reproducible."""
    import io

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTCollection
    from fontTools.ttLib.tables import _h_e_a_d

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef"])
    builder.setupCharacterMap({})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0)})
    builder.setupHorizontalHeader()
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    collection = TTCollection()
    collection.fonts = [builder.font]
    buffer = io.BytesIO()
    collection.save(buffer)
    data = buffer.getvalue()
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: 1_000_000)
    first = font._extract_member(data, 0)
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: 2_000_000)
    assert font._extract_member(data, 0) == first
