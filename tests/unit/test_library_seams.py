"""Upgrade tests for the library seams: the only modules that reach into libraries' private names.

Each seam (signing/_pyhanko_seam.py, chalicelib/rendering/_qrcode_seam.py,
chalicelib/rendering/_reportlab_seam.py, chalicelib/storage/_pynamodb_seam.py,
chalicelib/api/_strawberry_seam.py) was checked against one release of its library. These tests
fail, with a message saying what to re-check, when the installed release is not the pinned one or
when a private name the seam uses is gone or behaves differently. On an upgrade: read the new
release's source for the names listed in the seam's docstring, adapt the seam, then move the
seam's CHECKED_VERSION together with the pin in requirements.txt.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import SchemaExtension
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from chalicelib.api import _strawberry_seam
from chalicelib.rendering import _qrcode_seam, _reportlab_seam
from chalicelib.storage import _pynamodb_seam
from tests.conftest import ROOT


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        found = re.fullmatch(r"\s*([A-Za-z0-9._-]+)(?:\[[^]]*\])?==([^\s#;]+).*", line)
        if found:
            pins[re.sub(r"[-_.]+", "-", found[1]).lower()] = found[2]
    return pins


def _pyhanko_seam() -> ModuleType:
    from signing import _pyhanko_seam

    return _pyhanko_seam


SEAMS = {
    "pyhanko": ("signing/_pyhanko_seam.py", _pyhanko_seam),
    "qrcode": ("chalicelib/rendering/_qrcode_seam.py", lambda: _qrcode_seam),
    "reportlab": ("chalicelib/rendering/_reportlab_seam.py", lambda: _reportlab_seam),
    "pynamodb": ("chalicelib/storage/_pynamodb_seam.py", lambda: _pynamodb_seam),
    "strawberry-graphql": ("chalicelib/api/_strawberry_seam.py", lambda: _strawberry_seam),
}


@pytest.mark.parametrize("distribution", sorted(SEAMS))
def test_seam_was_checked_against_the_pinned_and_installed_release(distribution: str) -> None:
    path, load = SEAMS[distribution]
    checked = load().CHECKED_VERSION
    pinned = _pins().get(distribution)
    installed = importlib.metadata.version(distribution)
    assert pinned == checked, (
        f"requirements.txt pins {distribution}=={pinned} but {path} was checked against {checked}: "
        f"re-read the private names {path} lists in the new release, adapt the seam, then set its CHECKED_VERSION"
    )
    assert installed == checked, (
        f"{distribution} {installed} is installed but {path} was checked against {checked}: "
        "run scripts/bootstrap (or re-check the seam for the new release)"
    )


def _shape(where: str, condition: bool, what: str) -> None:
    assert condition, f"{where}: {what} (a library upgrade changed an internal the seam relies on)"


# --- qrcode ------------------------------------------------------------------------------------


def test_qrcode_internals_have_the_shape_the_seam_assumes() -> None:
    import qrcode
    import qrcode.util

    where = "chalicelib/rendering/_qrcode_seam.py"
    for name in (
        "setup_position_probe_pattern",
        "setup_position_adjust_pattern",
        "setup_timing_pattern",
        "setup_type_info",
        "setup_type_number",
    ):
        _shape(where, callable(getattr(qrcode.QRCode, name, None)), f"QRCode.{name} is gone")
    _shape(
        where,
        list(inspect.signature(qrcode.QRCode.setup_type_info).parameters) == ["self", "test", "mask_pattern"],
        "QRCode.setup_type_info(test, mask_pattern) changed its parameters",
    )
    _shape(where, qrcode.util.ALPHA_NUM == _qrcode_seam.ALPHA_NUM, "qrcode.util.ALPHA_NUM changed")
    _shape(where, qrcode.util.MODE_NUMBER == _qrcode_seam.MODE_NUMBER, "qrcode.util.MODE_NUMBER changed")
    _shape(where, qrcode.util.MODE_ALPHA_NUM == _qrcode_seam.MODE_ALPHA_NUM, "qrcode.util.MODE_ALPHA_NUM changed")


def test_qrcode_seam_answers_as_iso_18004_says() -> None:
    where = "chalicelib/rendering/_qrcode_seam.py"
    grid = _qrcode_seam.function_grid(1, scoring=False, mask=0)
    _shape(where, len(grid) == 21 and all(len(row) == 21 for row in grid), "a version 1 grid is not 21x21")
    finder = [row[:7] for row in grid[:7]]
    _shape(where, finder[0] == [True] * 7 and finder[3][2:5] == [True] * 3, "the finder pattern is not drawn")
    _shape(where, any(m is None for row in grid for m in row), "data modules are not left None")
    _shape(where, grid[8][0] is not None, "the format information is not drawn")
    scoring = _qrcode_seam.function_grid(7, scoring=True, mask=0)
    _shape(where, len(scoring) == 45, "a version 7 grid is not 45x45")
    _shape(where, _qrcode_seam.bit_limits_m()[1] == 16 * 8, "version 1-M does not hold 16 data bytes")
    _shape(where, _qrcode_seam.rs_blocks_m(1) == [(26, 16)], "version 1-M is not one block of 26/16 codewords")
    _shape(where, _qrcode_seam.rs_blocks_m(5) == [(67, 43), (67, 43)], "version 5-M is not two blocks of 67/43")
    _shape(where, _qrcode_seam.mode_sizes(1) is _qrcode_seam.mode_sizes(9), "versions 1-9 share no size table")
    _shape(where, _qrcode_seam.mode_sizes(1)[_qrcode_seam.MODE_NUMBER] == 10, "numeric count field is not 10 bits")
    _shape(where, _qrcode_seam.mask_test(0)(0, 0) and not _qrcode_seam.mask_test(0)(0, 1), "mask 0 is not (r+c)%2")
    data = b"HTTPS://A.CN/V/" + b"1234567890" * 3
    segments = _qrcode_seam.data_segments(data)
    _shape(where, b"".join(d for _, d in segments) == data, "the segments do not add up to the data")
    _shape(where, (_qrcode_seam.MODE_NUMBER, b"1234567890" * 3) in segments, "a long digit run is no numeric segment")
    _shape(where, type(_qrcode_seam.data_overflow()).__name__ == "DataOverflowError", "DataOverflowError moved")


# --- reportlab ---------------------------------------------------------------------------------

_FLATE = """
import io, re, zlib
from chalicelib.rendering import _reportlab_seam as seam
seam.set_ascii85(False)
seam.set_flate_level({level})
from reportlab.pdfgen.canvas import Canvas
buf = io.BytesIO()
c = Canvas(buf, invariant=1, pageCompression=1)
c.drawString(72, 720, "seam " * 40)
c.showPage(); c.save()
raw = re.search(rb"stream\\r?\\n(.*?)endstream", buf.getvalue(), re.S)[1].rstrip(b"\\r\\n")
print(raw == zlib.compress(zlib.decompress(raw), {level}), b"ASCII85" in buf.getvalue())
"""


def test_reportlab_compresses_with_the_flate_filter_the_seam_replaces() -> None:
    """In a second interpreter (the setting is process-wide): after the seam sets level 0 (stored,
    unmistakable), the page stream is exactly zlib level 0, without ASCII85."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    where = "chalicelib/rendering/_reportlab_seam.py"
    _shape(where, hasattr(rl_config, "useA85"), "rl_config.useA85 is gone")
    _shape(where, isinstance(pdfdoc.PDFZCompress, pdfdoc.PDFStreamFilterZCompress), "pdfdoc.PDFZCompress moved")
    result = subprocess.run(
        [sys.executable, "-c", _FLATE.format(level=0)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    _shape(where, result.stdout.split() == ["True", "False"], f"streams are not written through it: {result.stdout}")


def test_reportlab_face_keeps_tables_once_cached() -> None:
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

    from signing.font import load_font

    where = "chalicelib/rendering/_reportlab_seam.py"
    _shape(where, list(inspect.signature(TTFontFace.get_table).parameters) == ["self", "tag"], "get_table(tag) changed")
    face = TTFont("SeamCheck", io.BytesIO(load_font()[1])).face
    stock = face.get_table("glyf")
    _shape(where, stock is not face.get_table("glyf"), "get_table no longer copies (the cache may be moot)")
    _reportlab_seam.cache_face_tables(face)
    first = face.get_table("glyf")
    _shape(where, first == stock and first is face.get_table("glyf"), "the face does not keep its tables")
    _shape(where, ord("行") in _reportlab_seam.face_code_points(face), "TTFontFace.charToGlyph is no code point map")


# --- pyHanko -----------------------------------------------------------------------------------


def _font_bytes() -> bytes:
    from signing.font import cut_font, load_font

    return cut_font(load_font()[1], "行政审批专用章XY")


def test_pyhanko_internals_have_the_shape_the_seam_assumes() -> None:
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.font import opentype
    from pyhanko.stamp.base import BaseStamp

    where = "signing/_pyhanko_seam.py"
    _shape(where, callable(getattr(opentype, "_read_ps_name", None)), "opentype._read_ps_name is gone")
    _shape(
        where,
        list(inspect.signature(opentype.GlyphAccumulator.__init__).parameters)
        == [
            "self",
            "writer",
            "font_handle",
            "font_size",
            "features",
            "ot_language_tag",
            "ot_script_tag",
            "writing_direction",
            "bcp47_lang_code",
            "obj_stream",
        ],
        "GlyphAccumulator.__init__ changed its parameters: init_from_parsed copies it",
    )
    _shape(
        where,
        list(inspect.signature(opentype.GlyphAccumulator._get_cid_and_width).parameters) == ["self", "glyph_id"],
        "GlyphAccumulator._get_cid_and_width(glyph_id) changed",
    )
    _shape(
        where, "self._subset_created" in inspect.getsource(opentype.GlyphAccumulator.prepare_write), "no subset flag"
    )
    _shape(where, "_render_inner_content()" in inspect.getsource(BaseStamp.render), "BaseStamp.render lost its hook")
    _shape(where, isinstance(inspect.getattr_static(PdfContent, "_ensure_writer"), property), "_ensure_writer moved")


def test_pyhanko_engine_from_a_parsed_font_has_the_constructors_state() -> None:
    """init_from_parsed sets exactly the attributes GlyphAccumulator.__init__ sets."""
    import uharfbuzz as hb
    from fontTools import ttLib
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.writer import PdfFileWriter

    seam = _pyhanko_seam()
    data = _font_bytes()
    own = GlyphAccumulator(PdfFileWriter(), io.BytesIO(data), font_size=1)
    tt = ttLib.TTFont(io.BytesIO(data))
    parsed = seam.SeamGlyphAccumulator.__new__(seam.SeamGlyphAccumulator)
    parsed.init_from_parsed(
        PdfFileWriter(),
        None,
        ps_name=seam.read_ps_name(tt),
        tt=tt,
        hb_font=hb.Font(hb.Face(data)),
        units_per_em=int(tt["head"].unitsPerEm),
        glyph_set=tt.getGlyphSet(preferCFF=True),
    )
    missing, extra = set(vars(own)) - set(vars(parsed)), set(vars(parsed)) - set(vars(own))
    _shape("signing/_pyhanko_seam.py", not missing and not extra, f"constructor state differs: {missing=} {extra=}")
    _shape(
        "signing/_pyhanko_seam.py", seam.font_descriptor(own.cidfont_obj)["/Type"] == "/FontDescriptor", "no descriptor"
    )


def test_pyhanko_still_writes_glyph_widths_in_font_units() -> None:
    """The bug the seam works around (docs/decisions/0005-shared-font-engine.md): for a font with
    2048 units per em pyHanko records the raw advance. Once pyHanko converts it to 1/1000 em
    itself, this fails: drop the scaling from the seam and stamp.py, or widths are scaled twice."""
    from fontTools import ttLib
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.writer import PdfFileWriter

    data = _font_bytes()
    tt = ttLib.TTFont(io.BytesIO(data))
    upem = int(tt["head"].unitsPerEm)
    if upem == 1000:
        pytest.skip("the installed seal font has 1000 units per em: the bug does not show with it")
    glyph = tt.getBestCmap()[ord("行")]
    advance = tt["hmtx"][glyph][0]
    engine = GlyphAccumulator(PdfFileWriter(), io.BytesIO(data), font_size=1)
    _, width = engine._get_cid_and_width(tt.getGlyphID(glyph))
    assert width == advance, (
        f"pyHanko now records {width} for an advance of {advance} font units ({upem} per em): "
        "it converts widths itself, so signing/_pyhanko_seam.py and signing/stamp.py must stop scaling them"
    )


def test_pyhanko_engine_embeds_the_given_program_and_scales_widths() -> None:
    from fontTools import ttLib
    from pyhanko.pdf_utils.generic import StreamObject
    from pyhanko.pdf_utils.writer import PdfFileWriter

    seam = _pyhanko_seam()
    data = _font_bytes()
    writer = PdfFileWriter()
    engine = seam.SeamGlyphAccumulator(writer, io.BytesIO(data), font_size=1)
    upem = int(ttLib.TTFont(io.BytesIO(data))["head"].unitsPerEm)
    engine.width_scale = 1000 / upem
    program = StreamObject(stream_data=b"PROGRAM")
    engine.embed_font_program_as_is(lambda: program)
    engine.shape("行政")
    glyphs, to_unicode = engine.glyph_records
    _shape("signing/_pyhanko_seam.py", sorted(to_unicode.values()) == ["政", "行"], "no ToUnicode records")
    _shape(
        "signing/_pyhanko_seam.py", all(0 < w <= 1000 for _, w in glyphs.values()), f"widths not in 1/1000 em: {glyphs}"
    )
    engine.prepare_write()
    embedded = engine.font_descriptor["/FontFile2"].get_object()
    _shape("signing/_pyhanko_seam.py", embedded.data == b"PROGRAM", "prepare_write did not embed the given program")


def test_pyhanko_stamp_renders_the_content_stamps_content() -> None:
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.writer import PdfFileWriter
    from pyhanko.stamp.base import BaseStampStyle

    seam = _pyhanko_seam()

    class Probe(seam.ContentStamp):  # type: ignore[misc, name-defined]
        def inner_content(self) -> list[bytes]:
            return [b"0 0 1 1 re f", bytes(str(self.target_writer is writer), "ascii")]

    writer = PdfFileWriter()
    stamp: Any = Probe(writer=writer, style=BaseStampStyle(border_width=0), box=layout.BoxConstraints(10, 10))
    _shape("signing/_pyhanko_seam.py", b"0 0 1 1 re f True" in stamp.render(), "render() skips inner_content")


# --- PynamoDB ----------------------------------------------------------------------------------


def test_pynamodb_internals_have_the_shape_the_seam_assumes() -> None:
    from pynamodb.connection.base import Connection
    from pynamodb.connection.table import TableConnection
    from pynamodb.indexes import GlobalSecondaryIndex, Index
    from pynamodb.models import Model

    from chalicelib.storage.tables import Record

    where = "chalicelib/storage/_pynamodb_seam.py"
    _shape(
        where,
        list(inspect.signature(Connection._make_api_call).parameters) == ["self", "operation_name", "operation_kwargs"],
        "Connection._make_api_call(operation_name, operation_kwargs) changed",
    )
    _shape(where, "_connection" in vars(Model), "Model._connection (the cached table connection) is gone")
    _shape(
        where,
        not any("_connection" in vars(cls) for cls in (Index, GlobalSecondaryIndex)),
        "indexes now cache a connection of their own: forget_connection must drop theirs too",
    )
    _shape(where, "self._model.query" in inspect.getsource(Index.query), "indexes no longer query through the model")
    connection = _pynamodb_seam.table_connection(Record)
    _shape(where, isinstance(connection, TableConnection), "Model._get_connection is no TableConnection")
    _shape(where, isinstance(_pynamodb_seam.client_connection(Record), Connection), "no low-level Connection under it")
    _pynamodb_seam.forget_connection(Record)
    _shape(where, _pynamodb_seam.table_connection(Record) is not connection, "dropping _connection does not reconnect")
    schema = _pynamodb_seam.table_schema(Record)
    _shape(
        where,
        {"attribute_definitions", "key_schema", "global_secondary_indexes"} <= set(schema)
        and {"index_name", "key_schema", "projection"} <= set(schema["global_secondary_indexes"][0]),
        f"Model._get_schema() changed shape: {sorted(schema)}",
    )


def test_pynamodb_wrapped_api_calls_see_every_request_and_restore_the_original() -> None:
    from pynamodb.connection.base import Connection

    original = Connection._make_api_call
    seen: list[str] = []

    def wrap(call: _pynamodb_seam.ApiCall) -> _pynamodb_seam.ApiCall:
        def counted(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            seen.append(operation_name)
            raise RuntimeError("no network in this test")

        return counted

    with _pynamodb_seam.wrapped_api_calls(wrap), pytest.raises(RuntimeError):
        Connection(region="cn-north-1").describe_table("uap-seam-check")
    assert Connection._make_api_call is original
    _shape("chalicelib/storage/_pynamodb_seam.py", seen == ["DescribeTable"], f"requests bypass it: {seen}")


# --- strawberry --------------------------------------------------------------------------------


def test_strawberry_execution_context_keeps_the_requested_operation_name() -> None:
    import strawberry
    from graphql import OperationType
    from strawberry.types import ExecutionContext

    @strawberry.type
    class Query:
        ok: bool = True

    schema = strawberry.Schema(query=Query)
    query = "query A { ok } query B { ok }"
    named = ExecutionContext(query, schema, [OperationType.QUERY], provided_operation_name="B")
    unnamed = ExecutionContext(query, schema, [OperationType.QUERY])
    where = "chalicelib/api/_strawberry_seam.py"
    _shape(where, _strawberry_seam.requested_operation_name(named) == "B", "the requested name is not kept")
    _shape(where, _strawberry_seam.requested_operation_name(unnamed) is None, "an unnamed request reads as named")


def test_strawberry_schema_keeps_the_graphql_core_schema_it_validates_against() -> None:
    import strawberry
    from graphql import GraphQLSchema, parse, validate

    @strawberry.type
    class Query:
        ok: bool = True

    schema = strawberry.Schema(query=Query)
    built = _strawberry_seam.graphql_schema(schema)
    where = "chalicelib/api/_strawberry_seam.py"
    _shape(where, isinstance(built, GraphQLSchema), f"Schema._schema is a {type(built).__name__}")
    _shape(where, built.query_type is not None and built.query_type.name == "Query", "not the schema strawberry built")
    _shape(where, validate(built, parse("{ ok }")) == [], "a document valid for strawberry is refused")
    _shape(where, validate(built, parse("{ nope }")) != [], "validation does not use the schema's fields")
    _shape(
        where, schema.execute_sync("{ ok }", root_value=Query()).data == {"ok": True}, "strawberry no longer executes"
    )


def test_strawberry_schema_still_runs_the_federation_check_the_seam_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    import strawberry

    from chalicelib.api.schema_config import ApiSchema

    where = "chalicelib/api/_strawberry_seam.py"
    _shape(where, callable(getattr(strawberry.Schema, "_warn_for_federation_directives", None)), "the check is gone")
    called: list[str] = []
    monkeypatch.setattr(strawberry.Schema, "_warn_for_federation_directives", lambda self: called.append("strawberry"))

    @strawberry.type
    class Query:
        ok: bool = True

    strawberry.Schema(query=Query)
    _shape(where, called == ["strawberry"], "Schema.__init__ no longer calls _warn_for_federation_directives")
    called.clear()
    ApiSchema(query=Query)
    assert called == [], "ApiSchema still runs strawberry's federation check"


# Annotation texts as our types modules write them, evaluated in a module-like namespace.
_ANNOTATIONS = (
    "str",
    "int | None",
    "list[str]",
    "list[Item] | None",
    "Optional[Item]",
    "Union[Item, Other]",
    "strawberry.ID",
    "relay.NodeID[str]",
    "strawberry.Private[tuple[str, ...]]",
    "Connection[Item]",
    "Info",
    "None",
    "Later",  # declared further down the module: not yet defined
    "list[Later] | None",
    "LazyItem",  # a module-level lazy alias: strawberry's own path
    'Annotated[Item, strawberry.lazy("tests.unit.test_library_seams")]',
)


def test_the_fast_annotation_path_gives_what_strawberry_gives() -> None:
    from typing import Annotated, Optional, Union

    import strawberry
    from strawberry import relay
    from strawberry.annotation import StrawberryAnnotation
    from strawberry.types import Info

    from chalicelib.api.relay import Connection

    where = "chalicelib/api/_strawberry_seam.py"
    fast = StrawberryAnnotation.evaluate
    _shape(where, getattr(fast, "fast_path", False), "the short path is not installed (chalicelib/api/__init__.py)")
    original = fast.original  # type: ignore[attr-defined]

    @strawberry.type
    class Item:
        code: str

    @strawberry.type
    class Other:
        name: str

    namespace: dict[str, object] = {
        "strawberry": strawberry,
        "relay": relay,
        "Info": Info,
        "Item": Item,
        "Other": Other,
        "Connection": Connection,
        "Optional": Optional,
        "Union": Union,
        "Annotated": Annotated,
        "LazyItem": Annotated["Item", strawberry.lazy("tests.unit.test_library_seams")],
    }
    for text in _ANNOTATIONS:
        outcomes = []
        for evaluate in (original, fast):
            try:
                outcomes.append(("ok", evaluate(StrawberryAnnotation(text, namespace=namespace))))
            except NameError as error:
                outcomes.append(("NameError", str(error)))
        _shape(where, outcomes[0] == outcomes[1], f"{text!r}: strawberry gives {outcomes[0]}, the seam {outcomes[1]}")


def test_the_seams_parse_and_validation_are_the_ones_the_request_then_reuses() -> None:
    import strawberry
    from graphql.validation import NoSchemaIntrospectionCustomRule
    from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    @strawberry.type
    class Query:
        ok: bool = True

    size, rules = 17, (NoSchemaIntrospectionCustomRule,)
    schema = strawberry.Schema(
        query=Query,
        extensions=[
            lambda: AddValidationRules(list(rules)),
            lambda: MaxTokensLimiter(max_token_count=50),
            lambda: ParserCache(maxsize=size),
            lambda: ValidationCache(maxsize=size),
        ],
    )
    where = "chalicelib/api/_strawberry_seam.py"
    query = "query SeamProbe { ok }"
    document = _strawberry_seam.cached_parse(query, 50, size)
    _shape(where, _strawberry_seam.cached_validation(schema, document, rules, size) == [], "a valid document refused")
    parsed, validated = _get_parse_cache(size).cache_info(), _get_validate_cache(size).cache_info()
    _shape(where, schema.execute_sync(query, root_value=Query()).data == {"ok": True}, "no answer")
    _shape(where, _get_parse_cache(size).cache_info().hits == parsed.hits + 1, "the request parsed the document again")
    _shape(where, _get_validate_cache(size).cache_info().hits == validated.hits + 1, "the request validated again")
    refused = _strawberry_seam.cached_validation(
        schema, _strawberry_seam.cached_parse("{ __schema { types { name } } }", 50, size), rules, size
    )
    _shape(where, bool(refused) and all("introspection" in e.message for e in refused), f"rules not applied: {refused}")
    with pytest.raises(GraphQLError):
        _strawberry_seam.cached_parse("{ " + "ok " * 60 + "}", 50, size)


def test_identity_validation_cache_gives_strawberrys_answers_and_finds_repeats_without_hashing() -> None:
    import strawberry
    from graphql import DocumentNode
    from strawberry.extensions import ParserCache, ValidationCache
    from strawberry.extensions.validation_cache import _get_validate_cache

    @strawberry.type
    class Query:
        ok: bool = True

    size = 19
    ours = strawberry.Schema(
        query=Query,
        extensions=[lambda: ParserCache(maxsize=size), lambda: _strawberry_seam.IdentityValidationCache(maxsize=size)],
    )
    theirs = strawberry.Schema(
        query=Query, extensions=[lambda: ParserCache(maxsize=size), lambda: ValidationCache(maxsize=size)]
    )
    where = "chalicelib/api/_strawberry_seam.py"
    _shape(where, callable(getattr(ValidationCache(maxsize=size), "cached_validate_document", None)), "no cache")
    for query in ("{ ok }", "{ nope }", "{ ok ok: ok }", "query { __typename ok }"):
        mine, strawberrys = ours.execute_sync(query, root_value=Query()), theirs.execute_sync(query, root_value=Query())
        _shape(where, mine.data == strawberrys.data, f"{query}: {mine.data} vs {strawberrys.data}")
        _shape(
            where,
            [e.formatted for e in mine.errors or ()] == [e.formatted for e in strawberrys.errors or ()],
            f"{query}: other errors {mine.errors} vs {strawberrys.errors}",
        )
    hashed: list[int] = []
    original_hash = DocumentNode.__hash__

    def counting_hash(self: DocumentNode) -> int:
        hashed.append(1)
        return original_hash(self)

    validated = _get_validate_cache(size).cache_info()
    try:
        DocumentNode.__hash__ = counting_hash  # type: ignore[method-assign]
        for _ in range(3):
            assert ours.execute_sync("{ ok }", root_value=Query()).data == {"ok": True}
    finally:
        DocumentNode.__hash__ = original_hash  # type: ignore[method-assign]
    assert hashed == [], "a repeated document was hashed (looked up in strawberry's cache) again"
    assert _get_validate_cache(size).cache_info().misses == validated.misses, "validated again"


def test_plain_masking_check_masks_as_strawberry_does() -> None:
    import strawberry
    from strawberry.extensions import MaskErrors

    class Plain(_strawberry_seam.PlainMaskingCheck, MaskErrors):
        pass

    where = "chalicelib/api/_strawberry_seam.py"
    _shape(where, callable(getattr(MaskErrors, "_process_result", None)), "MaskErrors._process_result is gone")
    _shape(where, callable(getattr(MaskErrors, "_process_errors", None)), "MaskErrors._process_errors is gone")

    @strawberry.type
    class Query:
        @strawberry.field
        def boom(self) -> str:
            raise ValueError("secret")

        ok: bool = True

    def run(extension: type[MaskErrors], query: str) -> Any:
        schema = strawberry.Schema(query=Query, extensions=[lambda: extension(error_message="masked")])
        result = schema.execute_sync(query, root_value=Query())
        return result.data, [e.formatted for e in result.errors or ()]

    for query in ("{ boom }", "{ ok }", "{ ok boom }", "{ nope }"):
        _shape(where, run(Plain, query) == run(MaskErrors, query), f"{query}: masked otherwise")
    assert run(Plain, "{ boom }")[1][0]["message"] == "masked"


_SEEN_HISTORY: list[tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]] = []


@strawberry.type
class _SeamLeaf:
    @strawberry.field
    def history(self, first: int | None = None, after: str | None = None) -> str:
        return f"{first}:{after}"

    name: str = "n"


@strawberry.type
class _SeamQuery:
    @strawberry.field
    def item(self, info: Info) -> _SeamLeaf:
        theirs = [
            (c.name, c.arguments)
            for s in info.selected_fields
            for c in s.selections
            if isinstance(c, SelectedField) and c.name == "history"
        ]
        ours = [
            (n.name.value, _strawberry_seam.field_arguments(info, n))
            for n in _strawberry_seam.child_fields(info, "history")
        ]
        _SEEN_HISTORY.append((ours, theirs))
        return _SeamLeaf()


def test_child_fields_and_their_arguments_are_what_selected_fields_gives() -> None:
    schema = strawberry.Schema(query=_SeamQuery)
    documents = {
        "{ item { name history(first: 3) } }": None,
        "query Q($n: Int, $a: String) { item { history(first: $n, after: $a) h2: history } }": {"n": 7, "a": "x"},
        "query Q($n: Int) { item { history(first: $n) } }": {},
        "{ item { ...F name } } fragment F on Seamleaf { history(first: 2) }": None,
        "{ item { name } }": None,
    }
    found = []
    for query, variables in documents.items():
        _SEEN_HISTORY.clear()
        result = schema.execute_sync(query, variable_values=variables, root_value=_SeamQuery())
        assert not result.errors, result.errors
        ((ours, theirs),) = _SEEN_HISTORY
        _shape("chalicelib/api/_strawberry_seam.py", ours == theirs, f"{query}: {ours} vs {theirs}")
        found.append(ours)
    assert found[0] == [("history", {"first": "3"})] and len(found[1]) == 2 and found[3] == found[4] == []


def test_remembered_enum_names_are_strawberrys_for_every_enum_of_our_schema() -> None:
    from strawberry.schema.schema_converter import CustomGraphQLEnumType

    from chalicelib.api.schema import build_schema
    from chalicelib.config import get_settings

    where = "chalicelib/api/_strawberry_seam.py"
    built = _strawberry_seam.graphql_schema(build_schema(get_settings()))
    enums = [t for t in built.type_map.values() if isinstance(t, CustomGraphQLEnumType)]
    _shape(where, len(enums) > 10, f"only {len(enums)} strawberry enum types")
    for enum_type in enums:
        assert "coerce_output_value" in enum_type.__dict__, f"{enum_type.name}: not remembered (schema_config)"
        strawberrys = CustomGraphQLEnumType.coerce_output_value.__get__(enum_type)
        for member in enum_type.wrapped_cls:
            for _ in range(2):  # asked, then remembered
                assert enum_type.coerce_output_value(member) == strawberrys(member), f"{enum_type.name}.{member}"
        for other in ("not-a-member", 12345):
            outcomes = []
            for coerce in (enum_type.coerce_output_value, strawberrys):
                try:
                    outcomes.append(("ok", coerce(other)))
                except Exception as error:
                    outcomes.append((type(error).__name__, str(error)))
            assert outcomes[0] == outcomes[1], f"{enum_type.name} {other!r}: {outcomes}"


def test_strawberry_resolver_path_has_the_shape_fast_resolvers_copies() -> None:
    """`fast_resolvers` does, for an argument-free field, what strawberry's `from_resolver` wrapper
    and `get_arguments` do (tests/unit/test_fast_resolvers.py compares the answers): these are the
    names and steps it copies."""
    from strawberry.schema.schema_converter import GraphQLCoreConverter, get_arguments
    from strawberry.types.field import StrawberryField
    from strawberry.types.fields.resolver import StrawberryResolver

    where = "chalicelib/api/_strawberry_seam.py"

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self, info: Info) -> str:
            return info.path.key

    schema = strawberry.Schema(query=Query)
    built = _strawberry_seam.graphql_schema(schema)
    assert built.query_type is not None
    graphql_field = built.query_type.fields["hello"]
    field = (graphql_field.extensions or {}).get(getattr(GraphQLCoreConverter, "DEFINITION_BACKREF", ""))
    _shape(
        where, isinstance(field, StrawberryField), "a graphql-core field no longer links back to its StrawberryField"
    )
    _shape(
        where, getattr(graphql_field.resolve, "_is_default", None) is False, "strawberry's resolver lost `_is_default`"
    )
    _shape(
        where, callable(getattr(schema.schema_converter, "_get_field_exception_handlers", None)), "no handler look-up"
    )
    _shape(where, schema.config.info_class is Info, "the config's info class is not strawberry's Info")
    _shape(
        where, list(inspect.signature(Info).parameters) == ["_raw_info", "_field"], "Info(_raw_info, _field) changed"
    )
    for name in ("base_resolver", "default_resolver", "python_name", "arguments", "is_async", "is_subscription"):
        _shape(where, hasattr(field, name), f"StrawberryField.{name} is gone")
    for name in ("wrapped_func", "self_parameter", "root_parameter", "parent_parameter", "info_parameter"):
        _shape(where, hasattr(StrawberryResolver, name) or hasattr(field.base_resolver, name), f"{name} is gone")
    steps = inspect.getsource(get_arguments)
    for step in ("map_arguments", "self_parameter", "parent_parameter", "root_parameter", "info_parameter"):
        _shape(where, step in steps, f"get_arguments no longer handles {step}: re-read what it passes a resolver")
    wrapper = inspect.getsource(GraphQLCoreConverter.from_resolver)
    for step in ("_raw_info=info", "_field=field", "build_field_extension_resolvers", "field.get_result"):
        _shape(where, step in wrapper, f"from_resolver changed ({step}): re-read its per-field path")
    _shape(where, schema.execute_sync("{ hello }").data == {"hello": "hello"}, "strawberry's path answers otherwise")
    _shape(where, _strawberry_seam.fast_resolvers(schema, lambda extension: None) == 1, "the field was not taken")
    _shape(where, schema.execute_sync("{ hello }").data == {"hello": "hello"}, "the fast path answers otherwise")


@strawberry.type(name="Thing")
class _RelayThing(relay.Node):
    code: relay.NodeID[str]


@strawberry.type(name="OtherThing")
class _OtherThing(relay.Node):
    code: relay.NodeID[str]


class _SubThing(_RelayThing):
    """Not a strawberry type of its own: strawberry's check accepts it as a Thing (isinstance)."""


@strawberry.type
class _RelayQuery:
    @strawberry.field
    def thing(self) -> _RelayThing:
        return _RelayThing(code="a:b/中")

    @strawberry.field
    def other(self) -> _OtherThing:
        return _OtherThing(code="o")


def test_a_relay_id_is_answered_as_the_str_of_its_global_id() -> None:
    """`fast_resolvers` answers a Relay `id` already encoded: what the `ID` scalar (graphql-core's
    `serialize_id`) makes of strawberry's `GlobalID`, its `__str__`, `to_base64` of type and id."""
    from graphql import GraphQLID, get_nullable_type

    where = "chalicelib/api/_strawberry_seam.py"
    schema = strawberry.Schema(query=_RelayQuery)
    thing = _strawberry_seam.graphql_schema(schema).type_map["Thing"]
    id_field = thing.fields["id"]  # type: ignore[attr-defined]
    _shape(where, get_nullable_type(id_field.type) is GraphQLID, "a Node's id is no longer graphql-core's ID scalar")
    gid = relay.GlobalID("Thing", "a:b/中")
    _shape(where, GraphQLID.serialize(gid) == str(gid) == relay.to_base64("Thing", "a:b/中"), "ID serialises otherwise")
    answer = schema.execute_sync("{ thing { id } }").data
    _shape(where, answer == {"thing": {"id": relay.to_base64("Thing", "a:b/中")}}, "strawberry answers an id otherwise")


def test_fast_is_type_of_answers_as_strawberrys_interface_check() -> None:
    """`fast_is_type_of` answers True first only where strawberry's own check does: an object of
    exactly the type's class with no `strawberry.cast` mark (`TYPE_CAST_ATTRIBUTE`); the rest
    (cast objects, subclasses, other types, plain objects) get strawberry's answer."""
    from types import SimpleNamespace

    from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

    where = "chalicelib/api/_strawberry_seam.py"
    schema = strawberry.Schema(query=_RelayQuery)
    built = _strawberry_seam.graphql_schema(schema)
    thing, other = built.type_map["Thing"], built.type_map["OtherThing"]
    originals = {t.name: t.is_type_of for t in (thing, other)}  # type: ignore[attr-defined]
    _shape(where, all(originals.values()), "strawberry no longer gives a node type an is_type_of")
    _shape(where, TYPE_CAST_ATTRIBUTE == "__as_strawberry_type__", "strawberry.cast marks objects otherwise")
    assert _strawberry_seam.fast_is_type_of(built) == 2
    assert _strawberry_seam.fast_is_type_of(built) == 0, "once per schema"
    objects = [
        _RelayThing(code="a"),
        strawberry.cast(_OtherThing, _RelayThing(code="b")),
        strawberry.cast(_RelayThing, _RelayThing(code="c")),
        strawberry.cast(_RelayThing, _OtherThing(code="d")),
        _SubThing(code="e"),
        _OtherThing(code="f"),
        SimpleNamespace(code="g"),
    ]
    for named in (thing, other):
        for obj in objects:
            fast = named.is_type_of(obj, None)  # type: ignore[attr-defined]
            assert fast == originals[named.name](obj, None), (named.name, obj)
    _shape(where, originals["Thing"](objects[1], None) is False, "a cast object is no longer its cast's type")
    assert schema.execute_sync("{ thing { id } other { id } }").data == {
        "thing": {"id": relay.to_base64("Thing", "a:b/中")},
        "other": {"id": relay.to_base64("OtherThing", "o")},
    }


_HOOK_EVENTS: list[str] = []


class _GeneratorHooks(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        _HOOK_EVENTS.append("gen operation start")
        yield
        _HOOK_EVENTS.append("gen operation end")

    def on_parse(self) -> Iterator[None]:
        _HOOK_EVENTS.append("gen parse start")
        yield
        _HOOK_EVENTS.append("gen parse end")

    def on_execute(self) -> Iterator[None]:
        _HOOK_EVENTS.append("gen execute start")
        yield
        _HOOK_EVENTS.append("gen execute end")


class _PlainHooks(SchemaExtension):
    def on_validate(self) -> None:  # type: ignore[override]
        _HOOK_EVENTS.append(f"plain validate {self.execution_context.graphql_document is not None}")


class _NoHooks(SchemaExtension):
    pass


class _KnownHooksSchema(_strawberry_seam.KnownHooks, strawberry.Schema):
    pass


def test_known_hooks_run_the_hooks_strawberry_runs_in_its_order() -> None:
    """`KnownHooks` finds hooks once per class; the same hooks run, in the same order, with the
    same answers and errors, as on strawberry's own runner (and it still has the shape copied)."""
    from strawberry.extensions import context as hook_context
    from strawberry.extensions.runner import SchemaExtensionsRunner

    where = "chalicelib/api/_strawberry_seam.py"
    for name in ("OperationContextManager", "ValidationContextManager", "ParsingContextManager"):
        _shape(where, hasattr(getattr(hook_context, name, None), "get_hook"), f"{name}.get_hook is gone")
    _shape(where, hasattr(hook_context, "ExecutingContextManager"), "ExecutingContextManager is gone")
    for stage in ("operation", "validation", "parsing", "executing"):
        _shape(where, callable(getattr(SchemaExtensionsRunner, stage, None)), f"the runner lost {stage}()")
    _shape(where, "create_extensions_runner" in vars(strawberry.Schema), "Schema.create_extensions_runner is gone")
    extensions = [_GeneratorHooks, _NoHooks, _PlainHooks, _GeneratorHooks]
    logs = []
    for schema_class in (strawberry.Schema, _KnownHooksSchema, _KnownHooksSchema):
        schema = schema_class(query=_RelayQuery, extensions=extensions)
        runner = schema.create_extensions_runner(None, [])  # type: ignore[arg-type]
        assert (type(runner) is _strawberry_seam._known_hooks_runner()) == (schema_class is _KnownHooksSchema)
        _HOOK_EVENTS.clear()
        answers = [schema.execute_sync(q) for q in ("{ thing { id } }", "{ thing {", "{ nothing }")]
        logs.append((list(_HOOK_EVENTS), [(a.data, [e.message for e in a.errors or ()]) for a in answers]))
    assert logs[0][0], "the hooks ran"
    assert logs[0] == logs[1] == logs[2]
