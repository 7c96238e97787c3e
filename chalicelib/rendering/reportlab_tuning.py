"""reportlab settings for certificates, made once per process (this renderer is its only user).

Each is measured in bench/certificates.py (bench/README.md) and leaves the drawn page unchanged
(docs/decisions/0006-reportlab-tuning.md):

- **Binary streams**: no ASCII85 on top of Flate (`rl_config.useA85 = 0`). ASCII85 only made each
  certificate ~2% larger.
- **Fast Flate**: streams are compressed at zlib level 1 instead of 6. The embedded font subset
  (~40 KB of glyph outlines, most of it incompressible) took ~1.4 ms at level 6 and takes
  ~0.8 ms at level 1 for ~1 KB more. reportlab has no setting for the level, so its one
  `PDFZCompress` filter object is replaced by one that passes it.
- **Font tables kept**: reportlab's TrueType face copies the whole `glyf` table (3.5 MB for
  WenQuanYi Micro Hei) out of the font file on every subset, i.e. every certificate. The face
  keeps each table it has copied once (the font never changes), for ~4 MB of memory.

The last two replace reportlab internals: that is done in `_reportlab_seam.py` (pinned, tested).
"""

from __future__ import annotations

from typing import Any

from . import _reportlab_seam as reportlab_seam

__all__ = ["FLATE_LEVEL", "configure_reportlab", "keep_tables"]

FLATE_LEVEL = 1


def configure_reportlab() -> None:
    """Binary streams and fast Flate for every document reportlab writes in this process
    (idempotent; called before the first certificate is drawn)."""
    reportlab_seam.set_ascii85(False)
    reportlab_seam.set_flate_level(FLATE_LEVEL)


def keep_tables(face: Any) -> None:
    """Make a reportlab ``TTFontFace`` copy each table out of the font file once, not per subset."""
    reportlab_seam.cache_face_tables(face)
