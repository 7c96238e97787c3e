"""The stamp font is opened once per process and shared by every seal (signing/stamp.py).

The shared engine is built from pyHanko internals (pinned); these tests pin that it is the same
engine pyHanko's own constructor builds, that remembered shaping writes the same font objects
into every PDF, and that seals made at once from several threads all come out whole.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from signing.font import cut_font, load_font
from signing.keys import LocalKeyBackend
from signing.report import Indication
from signing.seal import SealAppearance, Sealer
from signing.stamp import InMemoryFontFactory, _PdfUnitsGlyphAccumulator
from signing.verify import verify_pdf

from .conftest import Pki
from .helpers import AUTHORITY

TEXTS = ("XX市行政审批局", "行政审批专用章", "2026年11月22日 09:30", "X", "局")


def _writer(pdf: bytes) -> Any:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    return IncrementalPdfFileWriter(io.BytesIO(pdf))


def _precut(sealer: Sealer) -> InMemoryFontFactory:
    factory = sealer._stamp_font(SealAppearance(authority_name=AUTHORITY))
    assert isinstance(factory, InMemoryFontFactory) and factory.precut
    return factory


def _own_engine(factory: InMemoryFontFactory, pdf: bytes) -> _PdfUnitsGlyphAccumulator:
    """The engine as pyHanko's GlyphAccumulator constructor builds it (the font opened anew)."""
    return _PdfUnitsGlyphAccumulator(
        writer=_writer(pdf), font_handle=io.BytesIO(factory.font_bytes), font_size=1, font_program=factory.font_bytes
    )


def test_the_shared_engine_is_the_one_pyhanko_builds(sealer: Sealer, sample_pdf: bytes) -> None:
    factory = _precut(sealer)
    shared = factory.create_font_engine(_writer(sample_pdf))
    own = _own_engine(factory, sample_pdf)
    assert isinstance(shared, _PdfUnitsGlyphAccumulator) and shared._shared is not None
    assert own._shared is None
    assert set(vars(shared)) == set(vars(own))  # a pyHanko upgrade adding state shows up here
    assert shared.units_per_em == own.units_per_em == 1000
    ours, theirs = shared.cidfont_obj._font_descriptor, own.cidfont_obj._font_descriptor
    assert {k: v for k, v in ours.items() if k != "/FontName"} == {k: v for k, v in theirs.items() if k != "/FontName"}
    for text in TEXTS:
        a, b = shared.shape(text), own.shape(text)
        assert (a.graphics_ops, a.x_advance, a.y_advance) == (b.graphics_ops, b.x_advance, b.y_advance)
    assert shared._glyphs == own._glyphs
    assert shared._cid_to_unicode == own._cid_to_unicode


def test_remembered_shaping_still_records_every_glyph(sealer: Sealer, sample_pdf: bytes) -> None:
    """A second engine shapes from memory: it must still declare each glyph's width and text."""
    factory = _precut(sealer)
    first = factory.create_font_engine(_writer(sample_pdf))
    for text in TEXTS:
        first.shape(text)
    second = factory.create_font_engine(_writer(sample_pdf))
    assert second._glyphs == {} and second._cid_to_unicode == {}
    second.shape(TEXTS[1])
    only_seal_text = dict(second._cid_to_unicode)
    assert sorted(only_seal_text.values()) == sorted(TEXTS[1])  # its own glyphs, not the first's
    for text in TEXTS:
        second.shape(text)
    assert second._glyphs == first._glyphs
    assert second._cid_to_unicode == first._cid_to_unicode


def test_text_with_multi_glyph_clusters_is_shaped_as_pyhanko_shapes_it(sample_pdf: bytes) -> None:
    """An e with a combining accent is two glyphs in one cluster: pyHanko's ToUnicode fallback
    then never overwrites an entry, so such text is not remembered but shaped anew each time."""
    factory = InMemoryFontFactory(cut_font(load_font()[1], "e\u0301\u0300行政局"), precut=True)
    texts = ("\u0301", "e\u0301", "e", "行政局e\u0300", "e\u0301")
    for order in (texts, texts[::-1]):
        shared = factory.create_font_engine(_writer(sample_pdf))
        own = _own_engine(factory, sample_pdf)
        assert isinstance(shared, _PdfUnitsGlyphAccumulator) and shared._shared is not None
        for text in order:
            assert shared.shape(text).graphics_ops == own.shape(text).graphics_ops
        assert shared._glyphs == own._glyphs
        assert list(shared._cid_to_unicode.items()) == list(own._cid_to_unicode.items())
    remembered = {text for text, _ in shared._shared.shapes}
    assert remembered == {"\u0301", "e"}  # one glyph per cluster only


def _stamp_font_objects(pdf: bytes) -> tuple[Any, bytes, bytes]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    field = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].sig_field
    font = field["/AP"]["/N"]["/Resources"]["/Font"]["/SealFont"].get_object()
    cid_font = font["/DescendantFonts"][0].get_object()
    program = cid_font["/FontDescriptor"]["/FontFile2"].get_object().data
    return list(cid_font["/W"]), font["/ToUnicode"].get_object().data, program


def test_seals_from_several_threads_at_once_are_all_whole(
    backend: LocalKeyBackend, sample_pdf: bytes, pki: Pki
) -> None:
    """A fresh sealer (nothing shaped yet) used by 6 threads at once: every seal verifies and
    carries the same stamp font objects as a seal made alone."""
    import datetime as dt

    sealer = Sealer(backend)
    appearance = SealAppearance(authority_name=AUTHORITY)
    when = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with ThreadPoolExecutor(max_workers=6) as pool:
        sealed = list(pool.map(lambda _: sealer.seal(sample_pdf, appearance, when=when), range(12)))
    alone = _stamp_font_objects(Sealer(backend).seal(sample_pdf, appearance, when=when))
    assert alone[2] == _precut(sealer).font_bytes  # the pre-cut program, embedded as it is
    for pdf in sealed:
        assert verify_pdf(pdf, [pki.ca_pem]).indication is Indication.PASSED
        assert _stamp_font_objects(pdf) == alone
