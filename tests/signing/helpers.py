"""Helpers shared by the signing tests (not fixtures)."""

from __future__ import annotations

import io
import shutil

import pytest

AUTHORITY = "XX市行政审批局"


def make_pdf(pages: int = 1, text: str = "Approval decision No. 2024-001") -> bytes:
    """A minimal A4 PDF with uncompressed page content (easy to tamper with)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    writer = PdfFileWriter()
    font = generic.DictionaryObject(
        {
            "/Type": generic.NameObject("/Font"),
            "/Subtype": generic.NameObject("/Type1"),
            "/BaseFont": generic.NameObject("/Helvetica"),
        }
    )
    for i in range(pages):
        content = f"BT /F1 20 Tf 72 720 Td ({text} p{i + 1}) Tj ET".encode()
        page = PageObject(
            contents=writer.add_object(generic.StreamObject(stream_data=content)),
            media_box=[0, 0, 595, 842],
            resources=generic.DictionaryObject({"/Font": generic.DictionaryObject({"/F1": writer.add_object(font)})}),
        )
        writer.insert_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    """The sample PDF encrypted with a user password."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(make_pdf())))
    writer.encrypt("owner", "user")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def require_tool(*names: str) -> None:
    """Skip (with the Debian package to install) when a CLI tool is absent."""
    packages = {"pdfsig": "poppler-utils", "pdftoppm": "poppler-utils", "certutil": "libnss3-tools"}
    for name in names:
        if shutil.which(name) is None:
            pytest.skip(f"{name} not installed (Debian package {packages.get(name, name)})")
