"""reportlab settings for certificates, made once per process (this renderer is its only user).

Each is measured in bench/certificates.py (bench/README.md) and leaves the drawn page unchanged:

- **Binary streams**: no ASCII85 on top of Flate (`rl_config.useA85 = 0`). ASCII85 only made each
  certificate ~2% larger.
- **Fast Flate**: streams are compressed at zlib level 1 instead of 6. The embedded font subset
  (~40 KB of glyph outlines, most of it incompressible) took ~1.4 ms at level 6 and takes
  ~0.8 ms at level 1 for ~1 KB more. reportlab has no setting for the level, so its one
  `PDFZCompress` filter object is replaced by one that passes it.
- **Font tables kept**: reportlab's TrueType face copies the whole `glyf` table (3.5 MB for
  WenQuanYi Micro Hei) out of the font file on every subset, i.e. every certificate. The face
  keeps each table it has copied once (the font never changes), for ~4 MB of memory.
"""

from __future__ import annotations

import zlib
from typing import Any

__all__ = ["FLATE_LEVEL", "configure_reportlab", "keep_tables"]

FLATE_LEVEL = 1


def configure_reportlab() -> None:
    """Binary streams and fast Flate for every document reportlab writes in this process
    (idempotent; called before the first certificate is drawn)."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    class FastFlate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
        def encode(self, text: str | bytes) -> bytes:
            return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, FLATE_LEVEL)

    rl_config.useA85 = 0
    pdfdoc.PDFZCompress = FastFlate()


def keep_tables(face: Any) -> None:
    """Make a reportlab ``TTFontFace`` copy each table out of the font file once, not per subset."""
    tables: dict[str, bytes] = {}
    copy_table = face.get_table

    def get_table(tag: str) -> bytes:
        data = tables.get(tag)
        if data is None:
            data = tables[tag] = copy_table(tag)
        return data

    face.get_table = get_table
