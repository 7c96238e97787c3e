"""Written decisions to applicants (不予受理决定书 and the like) as A4 PDFs.

Drawn with the certificate's stack (`certificate_pdf`): the same embedded seal font, the same
line breaking, reportlab's invariant mode (the same text gives the same bytes) and the same
render lock. Text that does not fit one page continues on the next.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from . import certificate_pdf as cp

_TOP = cp.PAGE_H - 90.0
_BOTTOM = 80.0
_SIZE = 12.0
_LEADING = 20.0


def render_written_decision(title: str, number: str, paragraphs: Sequence[str], issuer: str, issued_on: date) -> bytes:
    """The decision as PDF bytes; ValueError if the font lacks a character."""
    font = cp._font()
    cp._check_glyphs(font, title + number + "".join(paragraphs) + issuer + cp.format_cn_date(issued_on))
    with cp._render_lock:
        return _render(font.name, title, number, paragraphs, issuer, issued_on)


def _render(font: str, title: str, number: str, paragraphs: Sequence[str], issuer: str, issued_on: date) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=cp.PAGE_SIZE, invariant=1, pageCompression=1, initialFontName=font)
    c.setTitle(f"{title} {number}")
    c.setAuthor(issuer)
    c.setCreator("unified-approval-platform")
    width = cp._RIGHT - cp._LEFT
    cp._draw_text(c, cp.PAGE_W / 2, _TOP, title, font, 20, align="center")
    cp._draw_text(c, cp.PAGE_W / 2, _TOP - 28, number, font, 11, align="center")
    y = _TOP - 70
    lines: list[tuple[str, float]] = []
    for i, paragraph in enumerate(paragraphs):
        indent = 0.0 if i == 0 else 2 * _SIZE  # 首行缩进两字 (the salutation is not indented)
        wrapped = cp.wrap(paragraph, font, _SIZE, width - indent)
        lines.extend((line, cp._LEFT + (indent if j == 0 else 0.0)) for j, line in enumerate(wrapped))
    lines.append(("", cp._LEFT))
    for text, x in [*lines, (issuer, -1.0), (cp.format_cn_date(issued_on), -1.0)]:
        if y < _BOTTOM:
            c.showPage()
            y = _TOP
        if x < 0:
            cp._draw_text(c, cp._RIGHT, y, text, font, _SIZE, align="right")
        elif text:
            cp._draw_text(c, x, y, text, font, _SIZE)
        y -= _LEADING
    c.showPage()
    c.save()
    return buf.getvalue()
