"""Locating and loading the CJK font embedded in the seal stamp.

The stamp's Chinese text is drawn with a subset of a TrueType/OpenType font
embedded in the PDF, so every viewer renders it identically. The font is not in
the repository (5 MB): the default is WenQuanYi Micro Hei from Debian's
``fonts-wqy-microhei`` (CJK + Latin + digits, Apache-2.0/GPLv3-with-font-
exception), found at run time in this order:

1. ``font_path`` passed by the caller, else the ``UAP_SEAL_FONT`` env var;
2. any font copied into ``signing/fonts/`` (shipped to Lambda through
   ``vendor/signing``; see ``python -m signing install-font``);
3. ``/opt/fonts/`` (a Lambda layer), then the usual Debian locations.

Collections (``.ttc``) are accepted: member ``UAP_SEAL_FONT_INDEX`` (default
0) is extracted in memory, because pyHanko's OpenType engine reads only
single-font files.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

__all__ = [
    "DEFAULT_FONT_NAME",
    "ENV_VAR",
    "INDEX_ENV_VAR",
    "PACKAGE_FONT_DIR",
    "FontNotFoundError",
    "candidate_paths",
    "cut_font",
    "find_font",
    "install_font",
    "load_font",
]

ENV_VAR = "UAP_SEAL_FONT"
INDEX_ENV_VAR = "UAP_SEAL_FONT_INDEX"
DEFAULT_FONT_NAME = "wqy-microhei.ttc"
PACKAGE_FONT_DIR = Path(__file__).resolve().parent / "fonts"

_SYSTEM_CANDIDATES = (
    Path("/opt/fonts/wqy-microhei.ttf"),
    Path("/opt/fonts") / DEFAULT_FONT_NAME,
    Path("/usr/share/fonts/truetype/wqy") / DEFAULT_FONT_NAME,
    # GB2312-only Song face: fewer characters, but a plain .ttf.
    Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"),
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


class FontNotFoundError(FileNotFoundError):
    """No usable CJK font file was found."""


def candidate_paths() -> list[Path]:
    """Default search list, in order (excluding explicit and env settings)."""
    bundled: list[Path] = []
    if PACKAGE_FONT_DIR.is_dir():
        bundled = sorted(p for p in PACKAGE_FONT_DIR.iterdir() if p.suffix.lower() in _FONT_SUFFIXES)
    return [*bundled, *_SYSTEM_CANDIDATES]


def _check(path: Path, origin: str) -> Path:
    if not path.is_file():
        raise FontNotFoundError(f"seal font {path} (from {origin}) does not exist")
    if path.suffix.lower() not in _FONT_SUFFIXES:
        raise FontNotFoundError(f"seal font {path} (from {origin}) is not a .ttf/.otf/.ttc file")
    return path


def find_font(font_path: str | os.PathLike[str] | None = None) -> Path:
    """Return the font file to embed; explicit settings must exist."""
    if font_path:
        return _check(Path(font_path), "argument")
    env = os.environ.get(ENV_VAR)
    if env:
        return _check(Path(env), ENV_VAR)
    for path in candidate_paths():
        if path.is_file():
            return path
    searched = ", ".join(str(p) for p in candidate_paths())
    raise FontNotFoundError(
        f"no CJK font for the seal stamp; set {ENV_VAR} or install Debian 'fonts-wqy-microhei' (searched: {searched})"
    )


def _is_collection(data: bytes) -> bool:
    return data[:4] == b"ttcf"


def _extract_member(data: bytes, index: int) -> bytes:
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False: saving must not stamp `head.modified` with the current time, or every
    # process extracts a different font and certificates stop being byte-reproducible.
    font = TTFont(io.BytesIO(data), fontNumber=index, lazy=None, recalcTimestamp=False)
    if "FFTM" in font:  # FontForge timestamp: useless, and fontTools warns on every subset
        del font["FFTM"]
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def load_font(font_path: str | os.PathLike[str] | None = None) -> tuple[Path, bytes]:
    """Find the font and return its path and single-font (TTF/OTF) bytes."""
    path = find_font(font_path)
    data = path.read_bytes()
    if _is_collection(data):
        data = _extract_member(data, int(os.environ.get(INDEX_ENV_VAR, "0")))
    return path, data


def install_font(source: str | os.PathLike[str] | None = None) -> Path:
    """Write the font as a single .ttf into ``signing/fonts/`` for Lambda.

    Chalice ships ``vendor/signing`` (a symlink to this package), so the
    deployed function finds the font without a layer or env var.
    """
    src = find_font(source) if source else next((p for p in _SYSTEM_CANDIDATES if p.is_file()), None)
    if src is None:
        raise FontNotFoundError("install Debian 'fonts-wqy-microhei' first")
    _, data = load_font(src)
    PACKAGE_FONT_DIR.mkdir(exist_ok=True)
    dest = PACKAGE_FONT_DIR / (src.stem + ".ttf")
    if not dest.exists() or dest.read_bytes() != data:
        tmp = dest.with_name(dest.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(dest)
    return dest


def cut_font(font_bytes: bytes, text: str) -> bytes:
    """The font cut down to the glyphs ``text`` needs (layout features and names kept, the
    .notdef outline kept): what the seal stamp embeds, made once instead of per seal."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    tt = TTFont(io.BytesIO(font_bytes), lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(tt)
    out = io.BytesIO()
    tt.save(out)
    return out.getvalue()
