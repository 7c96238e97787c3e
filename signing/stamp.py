"""Vector drawing of the round red approval seal as a pyHanko stamp.

The seal is drawn with PDF path operators (ring, five-pointed star) and text in
an embedded CJK font: the authority name runs along the upper arc, the seal
text (e.g. 行政审批专用章) sits under the star and the sealing time below it.
Vector art stays crisp at any zoom and needs no image library.

Imports pyHanko at module level: only import this lazily.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory, ShapeResult
from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject, NumberObject, StreamObject, pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp.base import BaseStampStyle

from ._pyhanko_seam import ContentStamp, SeamGlyphAccumulator, read_ps_name

__all__ = ["SEAL_RED", "InMemoryFontFactory", "SealStamp", "SealStampStyle"]

#: Seal-ink red (RGB, 0..1).
SEAL_RED = (0.86, 0.08, 0.09)

_FONT_RESOURCE = "/SealFont"
_KAPPA = 0.5522847498  # Bezier control distance for a quarter circle


class _OpenFont:
    """A pre-cut stamp font opened once per process and shared by every seal's font engine.

    pyHanko's GlyphAccumulator opens the font anew for each PDF: fontTools parses its tables and
    glyph set and HarfBuzz shapes every string again, ~2 ms of a ~23 ms seal. The stamp font is
    small and never changes, so it is parsed once; the shaping of each string (the same authority
    name and seal text on every seal) is remembered with the glyphs it used; and the compressed
    font program is made once. The tables are decompiled up front, so the shared objects are only
    read afterwards; shaping a new string takes a lock.
    """

    MAX_SHAPES = 1024  # the time line changes every minute: bounded

    def __init__(self, font_bytes: bytes) -> None:
        import uharfbuzz as hb
        from fontTools import ttLib

        self.tt = ttLib.TTFont(io.BytesIO(font_bytes), recalcTimestamp=False)
        self.tt.ensureDecompiled()
        self.truetype = "CFF " not in self.tt and "glyf" in self.tt
        self.ps_name = read_ps_name(self.tt)
        self.units_per_em = int(self.tt["head"].unitsPerEm)
        self.glyph_set = self.tt.getGlyphSet(preferCFF=True)
        self.hb_font = hb.Font(hb.Face(font_bytes))
        if self.units_per_em != 1000:
            self.hb_font.scale = (1000, 1000)
        program = StreamObject(stream_data=font_bytes)
        program.compress()
        self.program_dict = dict(program)
        self.program_encoded = program.encoded_data
        self.lock = threading.Lock()
        #: (text, with_actual_text) -> (shaping, glyph id -> (cid, width), cid -> text)
        self.shapes: dict[tuple[str, bool], tuple[ShapeResult, dict[int, tuple[int, int]], dict[int, str]]] = {}

    def program(self) -> StreamObject:
        """The font program as a new stream object (one per PDF), already compressed."""
        return StreamObject(DictionaryObject(self.program_dict), encoded_data=self.program_encoded)


class _PdfUnitsGlyphAccumulator(SeamGlyphAccumulator):
    """GlyphAccumulator that writes metrics in PDF glyph units (1/1000 em).

    pyHanko 0.38 copies TrueType metrics (``/W`` widths, font descriptor) in
    raw font units; for fonts whose unitsPerEm is not 1000 (WenQuanYi uses
    2048) viewers then space glyphs twice as wide. Scaling HarfBuzz to 1000
    units and converting the widths/descriptor fixes this without rewriting
    the font program. Relies on pyHanko internals, all reached through `_pyhanko_seam.py`
    (pinned and tested; docs/decisions/0005-shared-font-engine.md).

    With ``shared`` (a pre-cut TrueType font, :class:`_OpenFont`) the engine is built from the
    process-wide parsed font instead of opening it again: the same attributes GlyphAccumulator's
    constructor sets (a test compares the two), from shared objects.
    """

    def __init__(
        self, *args: Any, font_program: bytes | None = None, shared: _OpenFont | None = None, **kwargs: Any
    ) -> None:
        self._shared = shared
        if shared is None:
            super().__init__(*args, **kwargs)
        else:
            if font_program is None or args:
                raise ValueError("a shared font engine embeds its pre-cut font as it is: keywords and font_program")
            self.init_from_parsed(
                kwargs["writer"],
                kwargs.get("obj_stream"),
                ps_name=shared.ps_name,
                tt=shared.tt,
                hb_font=shared.hb_font,
                units_per_em=shared.units_per_em,
                glyph_set=shared.glyph_set,
            )
        if font_program is not None and self.is_truetype:
            # The font is already cut to the stamp's characters (Sealer._stamp_font): embed it as it
            # is instead of subsetting and re-serialising it for every seal (~5 ms per seal).

            def program() -> StreamObject:
                if shared is not None:
                    return shared.program()
                stream = StreamObject(stream_data=font_program)
                stream.compress()
                return stream

            self.embed_font_program_as_is(program)
        upem = self.units_per_em
        self.width_scale = 1000 / upem  # the widths pyHanko reads are recorded in PDF glyph units
        if upem == 1000:
            return
        if shared is None:
            self.hb_font.scale = (1000, 1000)  # the shared font is scaled once, when opened
        self.units_per_em = 1000
        descriptor = self.font_descriptor
        for key in ("/Ascent", "/Descent", "/CapHeight"):
            descriptor[key] = NumberObject(round(int(descriptor[key]) * self.width_scale))
        descriptor["/FontBBox"] = ArrayObject(
            [NumberObject(round(int(v) * self.width_scale)) for v in descriptor["/FontBBox"]]
        )

    def shape(self, txt: str, with_actual_text: bool = True) -> ShapeResult:
        shared = self._shared
        if shared is None:
            return super().shape(txt, with_actual_text)
        key = (txt, with_actual_text)
        known = shared.shapes.get(key)
        if known is None:
            with shared.lock:
                if not self._one_glyph_per_cluster(txt):
                    # pyHanko's ToUnicode fallback for multi-glyph clusters never overwrites an
                    # entry, which replaying remembered entries could: shape such text anew.
                    return super().shape(txt, with_actual_text)
                mine = self.glyph_records
                self.glyph_records = {}, {}  # learn exactly what this text uses
                try:
                    known = (super().shape(txt, with_actual_text), *self.glyph_records)
                finally:
                    self.glyph_records = mine
                if len(shared.shapes) >= shared.MAX_SHAPES:
                    shared.shapes.clear()
                shared.shapes[key] = known
        result, glyphs, to_unicode = known
        recorded_glyphs, recorded_text = self.glyph_records
        recorded_glyphs.update(glyphs)
        recorded_text.update(to_unicode)
        return result

    def _one_glyph_per_cluster(self, txt: str) -> bool:
        """True when HarfBuzz maps every character cluster of ``txt`` to one glyph (all CJK text)."""
        import uharfbuzz as hb

        buf = hb.Buffer()
        buf.add_str(txt)
        buf.guess_segment_properties()
        hb.shape(self.hb_font, buf, self.features)
        clusters = [info.cluster for info in buf.glyph_infos]
        return len(clusters) == len(set(clusters))


class InMemoryFontFactory(FontEngineFactory):
    """Font engine factory over font bytes read once per process.

    pyHanko's ``GlyphAccumulatorFactory`` re-opens the file for every PDF. The sealer passes a
    pre-cut TrueType font (``precut=True``): it is parsed once and shared (:class:`_OpenFont`)
    and embedded as it is. A CFF-flavoured font, or a whole font (``precut=False``), still gets an
    engine of its own that pyHanko subsets (subsetting is destructive).
    """

    def __init__(self, font_bytes: bytes, *, precut: bool = False) -> None:
        self.font_bytes = font_bytes
        # True when `font_bytes` is already the subset a stamp needs: embedded whole, as is.
        self.precut = precut
        self._open: _OpenFont | None = None
        self._lock = threading.Lock()

    def _shared(self) -> _OpenFont | None:
        if not self.precut:
            return None
        if self._open is None:
            with self._lock:
                if self._open is None:
                    self._open = _OpenFont(self.font_bytes)
        return self._open if self._open.truetype else None

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: object = None) -> FontEngine:
        shared = self._shared()
        return _PdfUnitsGlyphAccumulator(
            writer=writer,
            font_handle=None if shared else io.BytesIO(self.font_bytes),
            font_size=1,
            obj_stream=obj_stream,
            font_program=self.font_bytes if self.precut else None,
            shared=shared,
        )


@dataclass(frozen=True)
class SealStampStyle(BaseStampStyle):
    """Style (and content) of one seal impression."""

    font: FontEngineFactory | None = None
    authority_name: str = ""
    seal_text: str = ""
    time_text: str = ""
    color: tuple[float, float, float] = SEAL_RED
    border_width: int = 0

    def create_stamp(self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict) -> SealStamp:
        return SealStamp(writer=writer, style=self, box=box)


def _circle(cx: float, cy: float, r: float) -> bytes:
    k = r * _KAPPA
    return (
        b"%.3f %.3f m " % (cx + r, cy)
        + b"%.3f %.3f %.3f %.3f %.3f %.3f c " % (cx + r, cy + k, cx + k, cy + r, cx, cy + r)
        + b"%.3f %.3f %.3f %.3f %.3f %.3f c " % (cx - k, cy + r, cx - r, cy + k, cx - r, cy)
        + b"%.3f %.3f %.3f %.3f %.3f %.3f c " % (cx - r, cy - k, cx - k, cy - r, cx, cy - r)
        + b"%.3f %.3f %.3f %.3f %.3f %.3f c h" % (cx + k, cy - r, cx + r, cy - k, cx + r, cy)
    )


def _star(cx: float, cy: float, r: float) -> bytes:
    inner = r * 0.382
    pts = []
    for i in range(10):
        radius = r if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        pts.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    ops = [b"%.3f %.3f m" % pts[0]] + [b"%.3f %.3f l" % p for p in pts[1:]]
    return b" ".join(ops) + b" h f"


class SealStamp(ContentStamp):
    """Renders a :class:`SealStampStyle` into the signature widget's box."""

    style: SealStampStyle

    def _engine(self) -> FontEngine:
        if self.style.font is None:
            raise ValueError("SealStampStyle.font is required")
        engine = self.style.font.create_font_engine(self.target_writer)
        self.set_resource(ResourceType.FONT, pdf_name(_FONT_RESOURCE), engine.as_resource())
        return engine

    @staticmethod
    def _text(engine: FontEngine, txt: str, size: float, matrix: tuple[float, ...]) -> bytes:
        # Tf size 1 with the size folded into Tm: the engine's Td offsets are
        # then in em units, matching its font_size=1 configuration.
        a, b, c, d, e, f = matrix
        return (
            b"BT %s 1 Tf %.4f %.4f %.4f %.4f %.3f %.3f Tm "
            % (_FONT_RESOURCE.encode(), a * size, b * size, c * size, d * size, e, f)
            + engine.shape(txt).graphics_ops
            + b" ET"
        )

    def _centred_line(
        self, engine: FontEngine, txt: str, size: float, cx: float, baseline: float, max_w: float
    ) -> bytes:
        width = engine.shape(txt).x_advance * size
        if width > max_w:  # shrink long lines instead of overflowing the ring
            size *= max_w / width
            width = max_w
        return self._text(engine, txt, size, (1, 0, 0, 1, cx - width / 2, baseline))

    def _arc_text(self, engine: FontEngine, txt: str, cx: float, cy: float, r: float) -> bytes:
        """Characters upright along the upper arc, centred on 12 o'clock."""
        chars = [c for c in txt if not c.isspace()]
        if not chars:
            return b""
        n = len(chars)
        size = min(0.30 * r, 1.7 * r / max(n, 1))
        baseline_r = r - 1.02 * size
        # angular pitch: a bit more than one em; total span capped at 250 degrees
        pitch = min(1.18 * size / baseline_r, math.radians(250) / max(n - 1, 1))
        start = math.pi / 2 + pitch * (n - 1) / 2
        ops = []
        for i, ch in enumerate(chars):
            theta = start - i * pitch
            phi = theta - math.pi / 2
            cos_p, sin_p = math.cos(phi), math.sin(phi)
            adv = engine.shape(ch).x_advance * size
            x = cx + baseline_r * math.cos(theta) - adv / 2 * cos_p
            y = cy + baseline_r * math.sin(theta) - adv / 2 * sin_p
            ops.append(self._text(engine, ch, size, (cos_p, sin_p, -sin_p, cos_p, x, y)))
        return b" ".join(ops)

    def inner_content(self) -> list[bytes]:
        style = self.style
        w, h = float(self.box.width), float(self.box.height)
        d = min(w, h)
        cx, cy = w / 2, h / 2
        ring = max(d * 0.035, 1.5)
        r_outer = d / 2 - ring / 2 - 0.5
        engine = self._engine()
        red = b"%.3f %.3f %.3f" % style.color
        ops = [b"q", red + b" RG", red + b" rg", b"%.3f w" % ring, _circle(cx, cy, r_outer) + b" S"]
        ops.append(_star(cx, cy + d * 0.02, d * 0.15))
        inner_r = r_outer - ring / 2 - d * 0.03
        ops.append(self._arc_text(engine, style.authority_name, cx, cy, inner_r))
        if style.seal_text:
            ops.append(self._centred_line(engine, style.seal_text, d * 0.085, cx, cy - d * 0.21, d * 0.62))
        if style.time_text:
            ops.append(self._centred_line(engine, style.time_text, d * 0.052, cx, cy - d * 0.31, d * 0.50))
        ops.append(b"Q")
        return ops
