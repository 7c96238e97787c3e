"""The one place that reaches into pyHanko's private names (checked against pyHanko 0.38.0).

Why it exists: the seal stamp (`stamp.py`) needs three things pyHanko's public API does not offer
(docs/decisions/0005-shared-font-engine.md):

- **Correct glyph metrics** for fonts whose unitsPerEm is not 1000. pyHanko's `GlyphAccumulator`
  writes `/W` widths, TJ adjustments and the font descriptor in font units while PDF reads them
  in 1/1000 em (a pyHanko bug, upstream report in the decision record); WenQuanYi Micro Hei has
  2048 units per em, so glyphs came out twice as wide. The fix scales the widths pyHanko reads
  (`GlyphAccumulator._get_cid_and_width`) and the descriptor (`CIDFont._font_descriptor`).
- **One parsed font shared by every seal**: an engine built from a font parsed once, setting the
  attributes `GlyphAccumulator.__init__` sets (private ones included), and the pre-cut font
  program embedded as it is instead of subset per seal (`_subset_created`, `set_font_file`).
- **A custom stamp**: `BaseStamp._render_inner_content` is the hook every pyHanko stamp
  overrides, and `_ensure_writer` the writer it draws into.

Everything else in `signing/` uses public names and the functions and base classes below.
`tests/unit/test_library_seams.py` fails with a clear message when the installed pyHanko is not
the pinned one or one of these names changed shape; `tests/signing/test_stamp_font.py` checks the
shared engine is attribute for attribute the one pyHanko's constructor builds.

Imports pyHanko at module level (~0.4 s): like `stamp.py`, import it lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fontTools import ttLib
from pyhanko.pdf_utils.font.api import FontEngine
from pyhanko.pdf_utils.font.opentype import CIDFont, CIDFontType2, GlyphAccumulator, _read_ps_name
from pyhanko.pdf_utils.generic import DictionaryObject, StreamObject, pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp.base import BaseStamp

__all__ = [
    "CHECKED_VERSION",
    "ContentStamp",
    "SeamGlyphAccumulator",
    "font_descriptor",
    "read_ps_name",
]

#: The pyHanko release these internals were read from (requirements.txt pins it).
CHECKED_VERSION = "0.38.0"


def read_ps_name(tt: ttLib.TTFont) -> str:
    """The font's PostScript name as pyHanko derives it (`opentype._read_ps_name`)."""
    return _read_ps_name(tt)


def font_descriptor(cidfont: CIDFont) -> DictionaryObject:
    """The `/FontDescriptor` dictionary pyHanko will embed for ``cidfont`` (mutable)."""
    return cidfont._font_descriptor


class SeamGlyphAccumulator(GlyphAccumulator):
    """pyHanko's `GlyphAccumulator` with public names for the internals the stamp engine uses."""

    #: Each glyph width pyHanko reads (font units) is multiplied by this before it is recorded:
    #: ``1000 / unitsPerEm`` records widths in PDF glyph units. Set by the subclass.
    width_scale: float = 1.0

    def init_from_parsed(
        self,
        writer: BasePdfFileWriter,
        obj_stream: Any,
        *,
        ps_name: str,
        tt: ttLib.TTFont,
        hb_font: Any,
        units_per_em: int,
        glyph_set: Any,
    ) -> None:
        """GlyphAccumulator.__init__ (pyHanko 0.38) for a TrueType font, minus opening the font:
        the same attributes, from a font parsed once (``tt``, ``hb_font``, ``glyph_set``)."""
        FontEngine.__init__(self, writer, ps_name, embedded_subset=True, obj_stream=obj_stream, font_size=1)
        self.hb_font = hb_font
        self.tt = tt
        self._font_ref = writer.allocate_placeholder()
        self.cff_charset = None
        self.use_raw_gids = True
        self.cidfont_obj = CIDFontType2(tt, ps_name, self.subset_prefix)
        self.features = None
        self.units_per_em = units_per_em
        self._glyphs: dict[int, tuple[int, int]] = {}
        self._glyph_set = glyph_set
        self._cid_to_unicode: dict[int, str] = {}
        self._GlyphAccumulator__reverse_cmap = None
        self.ot_language_tag = None
        self.ot_script_tag = None
        self.writing_direction = None
        self.bcp47_lang_code = None
        self._subset_created = self._write_prepared = False

    @property
    def is_truetype(self) -> bool:
        """True for a TrueType (glyf) font, whose program is embedded as ``/FontFile2``."""
        return isinstance(self.cidfont_obj, CIDFontType2)

    def embed_font_program_as_is(self, make_stream: Callable[[], StreamObject]) -> None:
        """Embed the stream ``make_stream()`` returns (one per PDF) as the font program, instead
        of letting pyHanko subset and re-serialise the font when the PDF is written."""
        self._subset_created = True
        cidfont = self.cidfont_obj

        def set_font_file(writer: BasePdfFileWriter) -> Any:
            ref = writer.add_object(make_stream())
            cidfont._font_descriptor[pdf_name("/FontFile2")] = ref
            return ref

        cidfont.set_font_file = set_font_file  # type: ignore[method-assign]

    @property
    def font_descriptor(self) -> DictionaryObject:
        """The `/FontDescriptor` this engine embeds (mutable)."""
        return font_descriptor(self.cidfont_obj)

    @property
    def glyph_records(self) -> tuple[dict[int, tuple[int, int]], dict[int, str]]:
        """What the engine has recorded for the PDF so far: glyph id -> (CID, width) (`/W`), and
        CID -> text (`/ToUnicode`). The dicts themselves: updating them records more."""
        return self._glyphs, self._cid_to_unicode

    @glyph_records.setter
    def glyph_records(self, records: tuple[dict[int, tuple[int, int]], dict[int, str]]) -> None:
        self._glyphs, self._cid_to_unicode = records

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        cached = self._glyphs.get(glyph_id)
        if cached is not None:
            return cached
        cid, width = super()._get_cid_and_width(glyph_id)
        result = (cid, round(width * self.width_scale))
        self._glyphs[glyph_id] = result
        return result


class ContentStamp(BaseStamp):
    """pyHanko's `BaseStamp` whose content comes from :meth:`inner_content` (public names)."""

    def inner_content(self) -> list[bytes]:
        """The stamp's content stream operators, inside its box."""
        raise NotImplementedError

    @property
    def target_writer(self) -> BasePdfFileWriter:
        """The PDF writer the stamp draws into (it must be set)."""
        return self._ensure_writer

    def _render_inner_content(self) -> list[bytes]:
        return self.inner_content()
