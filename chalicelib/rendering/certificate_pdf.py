"""The approval certificate (电子证照) as a one-page A4 PDF, ready for the approval seal.

`render_certificate(view)` draws the licence with reportlab: the title, the number top right, a
table of holder / item / application details / authority / dates, a QR code bottom left (vector
rectangles from the matrix `qr.py` builds, module for module `qrcode`'s; no image) with the
verification code under it, and an EMPTY box bottom right, `SEAL_BOX`, where `signing.Sealer`
later puts the visible seal:

    pdf = render_certificate(view)
    sealed = sealer.seal(pdf, SealAppearance(authority_name=view.authority_name, box=SEAL_BOX, page=0))

Text is drawn in an embedded subset of the SAME font file the seal stamp uses
(`signing.font.load_font`: `UAP_SEAL_FONT`, `signing/fonts/`, `/opt/fonts/`, Debian paths), so the
certificate and the stamp look alike and Lambda needs one font only. The output is deterministic:
the same view gives byte-identical PDFs (reportlab's invariant mode fixes dates and document ID),
so its SHA-256 is reproducible.

Cost: importing this module is stdlib-only; the first render in a process adds ~120 ms (importing
reportlab and qrcode, parsing the font once). A render then takes ~5-6 ms: reportlab's C
accelerators and `reportlab_tuning` keep its share to ~4 ms, and the QR matrix (`qr.py`) takes
~1 ms (bench/certificates.py; bench/README.md).
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .qr import qr_matrix, qr_rows

if TYPE_CHECKING:  # pragma: no cover
    from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "LAYOUTS",
    "PAGE_SIZE",
    "QR_BOX",
    "SEAL_BOX",
    "CertificateView",
    "format_cn_date",
    "qr_matrix",
    "render_certificate",
    "seal_box",
]

#: A4 in PDF points (reportlab's value).
PAGE_SIZE = (595.2755905511812, 841.8897637795277)
PAGE_W, PAGE_H = PAGE_SIZE
#: The portrait licence's margins (also what `written_decision.py` draws within).
_LEFT, _RIGHT = 60.0, PAGE_W - 60.0

#: Where the seal goes: ``(x1, y1, x2, y2)`` in PDF points on page 0, left empty by the renderer.
#: Pass it as ``SealAppearance(box=SEAL_BOX, page=0)``.
SEAL_BOX: tuple[int, int, int, int] = (395, 64, 535, 204)
#: The QR code's square, bottom left (the quiet zone around it is kept free).
QR_BOX: tuple[float, float, float, float] = (60.0, 92.0, 168.0, 200.0)

#: The named layouts a certificate type chooses (domain/certificate_type.py `Layout`).
LICENCE_PORTRAIT = "licence_portrait"
LICENCE_LANDSCAPE = "licence_landscape"
LETTER = "letter"  # 批文: an approval letter
LAYOUTS = (LICENCE_PORTRAIT, LICENCE_LANDSCAPE, LETTER)


@dataclass(frozen=True)
class _Geometry:
    """Where a layout puts things (PDF points, origin bottom left)."""

    page: tuple[float, float]
    seal_box: tuple[int, int, int, int]
    qr_box: tuple[float, float, float, float]
    left: float
    right: float
    table_top: float
    table_floor: float
    label_w: float
    min_row_h: float
    number_y: float  # the baseline of 编号, from the top
    title_y: float


_LANDSCAPE_W, _LANDSCAPE_H = PAGE_SIZE[1], PAGE_SIZE[0]
_GEOMETRY = {
    LICENCE_PORTRAIT: _Geometry(PAGE_SIZE, SEAL_BOX, QR_BOX, _LEFT, _RIGHT, 672.0, 222.0, 110.0, 32.0, 66, 124),
    LICENCE_LANDSCAPE: _Geometry(
        (_LANDSCAPE_W, _LANDSCAPE_H),
        (632, 56, 772, 196),
        (70.0, 84.0, 178.0, 192.0),
        70.0,
        _LANDSCAPE_W - 70.0,
        _LANDSCAPE_H - 116.0,
        206.0,
        130.0,
        24.0,
        54,
        80,
    ),
    LETTER: _Geometry(PAGE_SIZE, SEAL_BOX, QR_BOX, 72.0, PAGE_W - 72.0, 612.0, 222.0, 0.0, 0.0, 136, 162),
}


def seal_box(layout: str) -> tuple[int, int, int, int]:
    """Where the seal goes on page 0 of a certificate drawn in ``layout`` (left empty by the renderer)."""
    return _GEOMETRY[layout].seal_box


# Input limits (characters). Generous for real licences, small enough for one page.
MAX_TITLE = 30
MAX_NUMBER = 60
MAX_HOLDER_NAME = 100
MAX_IDENTIFIER = 40
MAX_ITEM_NAME = 100
MAX_AUTHORITY = 40
MAX_DETAILS = 10
MAX_DETAIL_KEY = 16
MAX_DETAIL_VALUE = 300
MAX_URL = 200
MAX_QR_PAYLOAD = 1200  # a signed offline payload (compact JWS); the QR code stays <= version 25
#: The PDF's Keywords carry the same payload (signed over by the seal) for `python -m signing verify --offline`.
QR_PAYLOAD_KEYWORD = "uap-offline-payload:"
_QR_PAYLOAD = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_CODE = re.compile(r"[A-Za-z0-9-]{4,32}")
_URL = re.compile(r"https?://[!-~]+")

_FONT_NAME = "UapCertificateFont"
_INK = (0.1, 0.1, 0.1)
_FRAME = (0.23, 0.29, 0.42)
_RULE = (0.35, 0.35, 0.38)
_LABEL_FILL = (0.94, 0.95, 0.97)

# Layout (points); each layout's places are in `_GEOMETRY` (the table floor leaves room for the
# QR code, the signature block and the seal box below it).
_PAD = 8.0
_BODY_SIZE = 12.0
_LEADING = 18.0
_SIGNATURE_GAP = 14.0
# No line may start with closing punctuation (line-breaking rule 避头尾, simplified).
_NO_LINE_START = frozenset("，。、；：！？）》」』】〉”’,.;:!?)]}%")
_TOKEN = re.compile(r"[!-~]+| |.", re.DOTALL)  # ASCII words stay whole; other characters break anywhere


def format_cn_date(day: date) -> str:
    """``2026年11月22日`` (no zero padding, as in official documents)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _check_text(field: str, value: object, limit: int, *, newlines: bool = False) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{field} must not be empty")
    if len(value) > limit:
        raise ValueError(f"{field} is {len(value)} characters long; at most {limit} fit on the certificate")
    for ch in value:
        if ch == "\n" and newlines:
            continue
        if unicodedata.category(ch)[0] == "C":  # control, format (bidi/zero-width), unassigned, private
            raise ValueError(f"{field} contains the non-printable character U+{ord(ch):04X}")


@dataclass(frozen=True, kw_only=True)
class CertificateView:
    """What the certificate shows; validated on construction (``ValueError`` with the reason).

    Keyword-only. ``details`` are extra labelled lines from the application (``(label, value)``;
    values may contain ``\\n`` and wrap). ``valid_until=None`` prints 长期有效.
    """

    title: str
    number: str
    holder_name: str
    holder_identifier: str
    item_name: str
    authority_name: str
    issued_on: date
    valid_until: date | None
    verification_url: str
    verification_code: str
    details: tuple[tuple[str, str], ...] = ()
    #: The certificate type's own lines (its template filled in); None: the generic licence table.
    fields: tuple[tuple[str, str], ...] | None = None
    layout: str = LICENCE_PORTRAIT
    #: Validity counts from the decision date where the type says so (None: from ``issued_on``).
    valid_from: date | None = None
    #: The signed offline payload (issue 13 point 7): the QR code encodes ``<url>#<payload>``.
    qr_payload: str = ""

    @property
    def qr_text(self) -> str:
        return f"{self.verification_url}#{self.qr_payload}" if self.qr_payload else self.verification_url

    def __post_init__(self) -> None:
        _check_text("title", self.title, MAX_TITLE)
        _check_text("number", self.number, MAX_NUMBER)
        _check_text("holder_name", self.holder_name, MAX_HOLDER_NAME)
        _check_text("holder_identifier", self.holder_identifier, MAX_IDENTIFIER)
        _check_text("item_name", self.item_name, MAX_ITEM_NAME)
        _check_text("authority_name", self.authority_name, MAX_AUTHORITY)
        if not isinstance(self.issued_on, date):
            raise ValueError("issued_on must be a date")
        if self.valid_until is not None:
            if not isinstance(self.valid_until, date):
                raise ValueError("valid_until must be a date or None (长期有效)")
            if self.valid_until < self.issued_on:
                raise ValueError(f"valid_until {self.valid_until} is before issued_on {self.issued_on}")
        if not isinstance(self.verification_url, str) or not _URL.fullmatch(self.verification_url):
            raise ValueError("verification_url must be an http(s) URL of printable ASCII without spaces")
        if len(self.verification_url) > MAX_URL:
            raise ValueError(f"verification_url is longer than {MAX_URL} characters (the QR code would be too dense)")
        if self.qr_payload and (len(self.qr_payload) > MAX_QR_PAYLOAD or not _QR_PAYLOAD.fullmatch(self.qr_payload)):
            raise ValueError(f"qr_payload must be a compact JWS of at most {MAX_QR_PAYLOAD} characters")
        if not isinstance(self.verification_code, str) or not _CODE.fullmatch(self.verification_code):
            raise ValueError("verification_code must be 4-32 characters of A-Z, a-z, 0-9 and '-'")
        if not isinstance(self.details, tuple):
            raise ValueError("details must be a tuple of (label, value) pairs")
        if len(self.details) > MAX_DETAILS:
            raise ValueError(f"{len(self.details)} detail lines; at most {MAX_DETAILS} fit on the certificate")
        for i, pair in enumerate(self.details):
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise ValueError(f"details[{i}] must be a (label, value) pair")
            _check_text(f"details[{i}] label", pair[0], MAX_DETAIL_KEY)
            _check_text(f"details[{i}] value", pair[1], MAX_DETAIL_VALUE, newlines=True)
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
        # A renewal (延续) issued early starts after its issue date, the day after the licence it renews ends.
        ends = self.valid_until
        if self.valid_from is not None and (
            not isinstance(self.valid_from, date) or (ends is not None and self.valid_from > ends)
        ):
            raise ValueError("valid_from must be a date on or before valid_until")
        if self.fields is not None:
            if not isinstance(self.fields, tuple) or not self.fields:
                raise ValueError("fields must be a non-empty tuple of (label, value) pairs, or None")
            if len(self.fields) + len(self.details) > MAX_DETAILS + 3:
                raise ValueError(f"{len(self.fields)} fields and {len(self.details)} details do not fit one page")
            for i, pair in enumerate(self.fields):
                if not isinstance(pair, tuple) or len(pair) != 2:
                    raise ValueError(f"fields[{i}] must be a (label, value) pair")
                _check_text(f"fields[{i}] label", pair[0], MAX_DETAIL_KEY)
                _check_text(f"fields[{i}] value", pair[1], MAX_DETAIL_VALUE, newlines=True)

    def validity_text(self) -> str:
        """有效期限 as printed."""
        if self.valid_until is None:
            return "长期有效"
        return f"自{format_cn_date(self.valid_from or self.issued_on)}至{format_cn_date(self.valid_until)}"

    def rows(self) -> list[tuple[str, str]]:
        """The table, top to bottom: the type's own fields, or the generic licence table."""
        if self.fields is not None:
            return [*self.fields, *self.details]
        return [
            ("持证人", self.holder_name),
            ("证件号码", self.holder_identifier),
            ("事项名称", self.item_name),
            *self.details,
            ("发证机关", self.authority_name),
            ("发证日期", format_cn_date(self.issued_on)),
            ("有效期限", self.validity_text()),
        ]

    def all_text(self) -> str:
        """Every character the renderer draws from the view (for the font coverage check)."""
        parts = [self.title, self.number, self.verification_code, *(k + v for k, v in self.rows())]
        if self.layout == LETTER:
            parts += [self.holder_name, self.item_name, self.authority_name, _LETTER_TEXT]
        return "".join(parts)


# --- font --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Font:
    name: str
    path: str
    cmap: frozenset[int]


_font_lock = threading.Lock()
_fonts: dict[str, _Font] = {}


def _font() -> _Font:
    """The seal's font, registered with reportlab once per process (and per font file)."""
    from signing.font import find_font

    path = str(find_font())
    font = _fonts.get(path)
    if font is not None:
        return font
    with _font_lock:
        font = _fonts.get(path)
        if font is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            from signing.font import load_font

            from ._reportlab_seam import face_code_points
            from .reportlab_tuning import configure_reportlab, keep_tables

            configure_reportlab()
            _, data = load_font(path)  # a .ttc member is extracted exactly as for the stamp
            name = _FONT_NAME if not _fonts else f"{_FONT_NAME}{len(_fonts)}"
            tt = TTFont(name, io.BytesIO(data))
            keep_tables(tt.face)
            pdfmetrics.registerFont(tt)
            font = _Font(name=name, path=path, cmap=face_code_points(tt.face))
            _fonts[path] = font
    return font


def _check_glyphs(font: _Font, text: str) -> None:
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in font.cmap})
    if missing:
        shown = "".join(missing[:20])
        raise ValueError(
            f"the certificate font {font.path} has no glyph for {shown!r} "
            f"({', '.join(f'U+{ord(c):04X}' for c in missing[:20])}); use another font via UAP_SEAL_FONT"
        )


# --- layout ------------------------------------------------------------------------------------


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, font, size))


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for tok in _TOKEN.findall(text):
        if tokens and tok[0] in _NO_LINE_START:
            tokens[-1] += tok
        else:
            tokens.append(tok)
    return tokens


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaking: CJK anywhere, ASCII words whole unless longer than a line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for tok in _tokens(paragraph):
            if _width(line + tok, font, size) <= max_width:
                line += tok
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = tok.lstrip()
            while len(line) > 1 and _width(line, font, size) > max_width:  # an overlong token: split it
                cut = len(line) - 1
                while cut > 1 and _width(line[:cut], font, size) > max_width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


@dataclass(frozen=True)
class _Row:
    label: list[str]
    value: list[str]
    height: float


def _layout_rows(view: CertificateView, font: str, g: _Geometry) -> list[_Row]:
    value_w = g.right - g.left - g.label_w - 2 * _PAD
    label_w = g.label_w - 2 * _PAD
    rows = []
    for label, value in view.rows():
        label_lines = wrap(label, font, _BODY_SIZE, label_w)
        value_lines = wrap(value, font, _BODY_SIZE, value_w)
        lines = max(len(label_lines), len(value_lines))
        rows.append(_Row(label_lines, value_lines, max(g.min_row_h, lines * _LEADING + 2 * _PAD - 4)))
    height = sum(r.height for r in rows)
    room = g.table_top - g.table_floor
    if height > room:
        raise ValueError(
            f"the certificate text needs {height:.0f} pt of table but one page has {room:.0f} pt: "
            "shorten the details or the names"
        )
    return rows


def _fit_size(text: str, font: str, size: float, max_width: float, minimum: float, char_space: float = 0) -> float:
    """The largest size <= ``size`` at which ``text`` fits ``max_width``."""
    extra = char_space * (len(text) - 1)
    natural = _width(text, font, size)
    if natural + extra <= max_width:
        return size
    return max(minimum, size * (max_width - extra) / natural)


def _draw_text(
    c: Canvas, x: float, y: float, text: str, font: str, size: float, *, align: str = "left", char_space: float = 0
) -> None:
    width = _width(text, font, size) + char_space * (len(text) - 1)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    if char_space:
        c.saveState()  # Tc is text state: it would outlive this BT/ET block
    t = c.beginText(x, y)
    t.setFont(font, size)
    if char_space:
        t.setCharSpace(char_space)
    t.textOut(text)
    c.drawText(t)
    if char_space:
        c.restoreState()


def _draw_frame(c: Canvas, g: _Geometry) -> None:
    width, height = g.page
    c.setStrokeColorRGB(*_FRAME)
    c.setLineWidth(2.4)
    c.rect(28, 28, width - 56, height - 56, stroke=1, fill=0)
    c.setLineWidth(0.7)
    c.rect(34, 34, width - 68, height - 68, stroke=1, fill=0)


def _draw_header(c: Canvas, view: CertificateView, font: str, g: _Geometry) -> None:
    width, height = g.page
    c.setFillColorRGB(*_INK)
    _draw_text(c, g.right, height - g.number_y, f"编号：{view.number}", font, 10.5, align="right")
    spacing = 8.0 if len(view.title) <= 12 else 0.0
    size = _fit_size(view.title, font, 26, g.right - g.left, 15, spacing)
    _draw_text(c, width / 2, height - g.title_y, view.title, font, size, align="center", char_space=spacing)
    _draw_text(c, width / 2, height - g.title_y - 24, "（电子证照）", font, 11, align="center")


def _draw_table(c: Canvas, rows: Sequence[_Row], font: str, g: _Geometry) -> None:
    total = sum(r.height for r in rows)
    top, bottom = g.table_top, g.table_top - total
    c.setFillColorRGB(*_LABEL_FILL)
    c.rect(g.left, bottom, g.label_w, total, stroke=0, fill=1)
    c.setStrokeColorRGB(*_RULE)
    c.setLineWidth(0.6)
    c.rect(g.left, bottom, g.right - g.left, total, stroke=1, fill=0)
    c.line(g.left + g.label_w, bottom, g.left + g.label_w, top)
    c.setFillColorRGB(*_INK)
    y = top
    for i, row in enumerate(rows):
        if i:
            c.line(g.left, y, g.right, y)
        for col_x, lines in ((g.left + _PAD, row.label), (g.left + g.label_w + _PAD, row.value)):
            block = len(lines) * _LEADING
            baseline = y - (row.height - block) / 2 - _LEADING + 4.5  # vertically centred
            for line in lines:
                _draw_text(c, col_x, baseline, line, font, _BODY_SIZE)
                baseline -= _LEADING
        y -= row.height


_DARK_RUN = re.compile("1+")


def _qr_operators(rows: Sequence[str], box: tuple[float, float, float, float]) -> str:
    """PDF path operators: one ``re`` per horizontal run of dark modules, filled once. The
    coordinates are whole modules (row 0 on top) under one ``cm`` that maps them onto ``box``.
    ``rows`` are `qr_rows` strings ("1" dark); the runs are found in one pass over all of them."""
    x1, _, x2, y2 = box
    module = (x2 - x1) / len(rows)
    stride = len(rows[0]) + 1  # each row, then a light separator: no run crosses into the next row
    ops = [f"q 0 0 0 rg {module:.5f} 0 0 {-module:.5f} {x1:.3f} {y2:.3f} cm"]
    ops += [
        f"{s % stride} {s // stride} {e - s} 1 re" for s, e in map(re.Match.span, _DARK_RUN.finditer("0".join(rows)))
    ]
    ops.append("f Q")
    return "\n".join(ops)


def _draw_qr(c: Canvas, view: CertificateView, font: str, g: _Geometry) -> None:
    x1, y1, x2, _ = g.qr_box
    c.addLiteral(_qr_operators(qr_rows(view.qr_text), g.qr_box))
    cx = (x1 + x2) / 2
    code = f"验证码：{view.verification_code}"
    _draw_text(c, cx, y1 - 20, code, font, _fit_size(code, font, 9, 150, 6), align="center")
    _draw_text(c, cx, y1 - 32, "扫码核验证照真伪", font, 7.5, align="center")


def _draw_signature_block(c: Canvas, view: CertificateView, font: str, g: _Geometry) -> None:
    """Authority (up to two lines) and date, right-aligned against the empty seal box."""
    x1, y1, _, y2 = g.seal_box
    right = x1 - _SIGNATURE_GAP
    width = right - (g.qr_box[2] + 30)
    size = _fit_size(view.authority_name, font, 13, width, 9)
    lines = wrap(view.authority_name, font, size, width)
    baseline = (y1 + y2) / 2 - 14  # the date
    _draw_text(c, right, baseline, format_cn_date(view.issued_on), font, 12, align="right")
    for line in reversed(lines):
        baseline += size + 8
        _draw_text(c, right, baseline, line, font, size, align="right")


_FOOTER = "本证照为电子证照，加盖发证机关电子印章；可扫描左下方二维码或凭验证码核验真伪。"
_FIXED_TEXT = "编号：（电子证照）验证码：扫码核验证照真伪" + _FOOTER


def _draw_footer(c: Canvas, font: str, g: _Geometry, text: str = _FOOTER) -> None:
    _draw_text(c, g.page[0] / 2, 44, text, font, 8, align="center")


# --- the approval letter (批文) ------------------------------------------------------------------

_LETTER_SUBTITLE = "（批文）"
_LETTER_OPENING = "提交的申请及材料收悉。经审查，申请符合法定条件、标准，根据《中华人民共和国行政许可法》第三十八条第一款，决定准予行政许可。具体事项如下："
_LETTER_CLOSING = "特此批复。"
_LETTER_FOOTER = "本批文为电子批文，加盖发证机关电子印章；可扫描左下方二维码或凭验证码核验真伪。"
_NUMERALS = "一二三四五六七八九十"
_LETTER_TEXT = (
    "编号：：关于的批复" + _LETTER_SUBTITLE + _LETTER_OPENING + _LETTER_CLOSING + _LETTER_FOOTER + _NUMERALS + "、十"
)


def _letter_numeral(i: int) -> str:
    """一 .. 二十 (a letter has at most 13 items)."""
    if i <= 10:
        return _NUMERALS[i - 1]
    return "十" + _NUMERALS[i - 11] if i < 20 else "二十"


def _letter_lines(view: CertificateView, font: str, g: _Geometry) -> list[tuple[float, str, float]]:
    """(indent, text, size) per line of the letter body, from the addressee to the closing."""
    width = g.right - g.left
    size = _BODY_SIZE + 1
    out: list[tuple[float, str, float]] = [(0.0, f"{view.holder_name}：", size)]
    out += [(0.0, line, size) for line in wrap(f"\u3000\u3000你方{_LETTER_OPENING}", font, size, width)]
    for i, (label, value) in enumerate(view.rows(), 1):
        text = f"\u3000\u3000{_letter_numeral(i)}、{label}：{value}"
        out += [(0.0, line, size) for line in wrap(text, font, size, width)]
    out.append((0.0, f"\u3000\u3000{_LETTER_CLOSING}", size))
    room = g.table_top - g.table_floor
    if len(out) * (_LEADING + 4) > room:
        raise ValueError(
            f"the approval letter needs {len(out)} lines but one page has room for {int(room // (_LEADING + 4))}: "
            "shorten the fields or the names"
        )
    return out


def _draw_letter(c: Canvas, view: CertificateView, font: str, g: _Geometry) -> None:
    """批文: the issuing bureau's letterhead, the number, the title, the addressee, the decision
    and the type's fields as numbered items; the signature, QR code and seal box as a licence."""
    width, height = g.page
    c.setFillColorRGB(*_INK)
    head = view.authority_name
    size = _fit_size(head, font, 24, g.right - g.left, 14, 4.0)
    _draw_text(c, width / 2, height - 96, head, font, size, align="center", char_space=4.0)
    c.setStrokeColorRGB(*_FRAME)
    c.setLineWidth(1.6)
    c.line(g.left, height - 116, g.right, height - 116)
    _draw_text(c, g.right, height - g.number_y, f"编号：{view.number}", font, 10.5, align="right")
    title = f"关于{view.item_name}的批复"
    lines = wrap(title, font, 18, g.right - g.left)
    y = height - g.title_y + 18
    for line in lines[:2]:
        y -= 24
        _draw_text(c, width / 2, y, line, font, 18, align="center")
    _draw_text(c, width / 2, y - 20, f"{view.title}{_LETTER_SUBTITLE}", font, 11, align="center")
    baseline = min(g.table_top, y - 50)
    for indent, text, line_size in _letter_lines(view, font, g):
        _draw_text(c, g.left + indent, baseline, text, font, line_size)
        baseline -= _LEADING + 4


def render_certificate(view: CertificateView) -> bytes:
    """The certificate as a one-page A4 PDF (deterministic bytes for the same view).

    Raises ``ValueError`` when the font lacks a character or the text does not fit on the page
    (the view itself validates emptiness and lengths). ``seal_box(view.layout)`` (``SEAL_BOX``
    for the portrait licence) is left empty for the seal.
    """
    if not isinstance(view, CertificateView):
        raise ValueError(f"expected a CertificateView, not {type(view).__name__}")
    font = _font()
    _check_glyphs(font, view.all_text() + _FIXED_TEXT)
    # reportlab's registered TTF font keeps per-document subset state: two threads rendering at
    # once (chalice local, concurrent issuance) corrupt it, so renders take turns (~6 ms each).
    with _render_lock:
        return _render(view, font)


_render_lock = threading.Lock()


def _render(view: CertificateView, font: _Font) -> bytes:
    g = _GEOMETRY[view.layout]
    letter = view.layout == LETTER
    rows = [] if letter else _layout_rows(view, font.name, g)

    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(
        buf,
        pagesize=g.page,
        invariant=1,
        pageCompression=1,
        initialFontName=font.name,  # no unembedded Helvetica resource
        initialFontSize=_BODY_SIZE,
    )
    c.setTitle(f"{view.title} {view.number}")
    c.setAuthor(view.authority_name)
    c.setSubject(view.item_name)
    c.setCreator("unified-approval-platform")
    if view.qr_payload:
        c.setKeywords(QR_PAYLOAD_KEYWORD + view.qr_payload)
    _draw_frame(c, g)
    if letter:
        _draw_letter(c, view, font.name, g)
    else:
        _draw_header(c, view, font.name, g)
        _draw_table(c, rows, font.name, g)
    _draw_qr(c, view, font.name, g)
    _draw_signature_block(c, view, font.name, g)
    _draw_footer(c, font.name, g, _LETTER_FOOTER if letter else _FOOTER)
    c.showPage()
    c.save()
    return buf.getvalue()
