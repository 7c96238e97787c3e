"""The fast QR encoder (chalicelib/rendering/qr.py) draws exactly what the `qrcode` library draws.

Nothing is traded for speed: for URLs of every length a certificate can carry (QR versions 2-13)
and of each segment kind (digits, alphanumeric, bytes), the version, the codewords, the score of
every mask and the final matrix are `qrcode`'s own.
"""

from __future__ import annotations

import random

import pytest
import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_M

from chalicelib.rendering.qr import _codewords, qr_matrix, qr_penalty

ALPHABETS = {
    "digits": "0123456789",
    "alphanumeric": "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789:/.-",
    "bytes": "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjk-?=&",
}


def _reference(url: str) -> qrcode.QRCode:
    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    reference.add_data(url.encode("ascii"))
    reference.make(fit=True)
    return reference


def _urls() -> list[str]:
    rng = random.Random(7)
    urls = []
    for length in range(0, 300, 7):
        base = "https://u.cn/v/" if length < 40 else "https://approval.example.gov.cn/v/"
        for alphabet in ALPHABETS.values():
            urls.append(base + "".join(rng.choice(alphabet) for _ in range(length)))
    return urls


URLS = _urls()


def test_the_urls_cover_many_versions_including_version_information() -> None:
    versions = {_reference(url).version for url in URLS}
    assert {2, 3, 5, 7, 10, 13} <= versions  # 7+ carry the version information blocks


@pytest.mark.parametrize("url", URLS[::3] + URLS[1::3] + URLS[2::3])
def test_version_codewords_and_matrix_are_qrcodes(url: str) -> None:
    reference = _reference(url)
    version, codewords = _codewords(url)
    assert version == reference.version
    assert list(codewords) == reference.data_cache
    assert qr_matrix(url) == [list(row) for row in reference.get_matrix()]


def test_every_mask_scores_as_qrcode_scores_it() -> None:
    for url in URLS[::5]:
        reference = _reference(url)
        for pattern in range(8):
            reference.makeImpl(True, pattern)
            assert qr_penalty(reference.modules) == qrcode.util.lost_point(reference.modules)


def test_a_url_too_long_for_any_qr_code_is_refused() -> None:
    with pytest.raises(qrcode.exceptions.DataOverflowError):
        _codewords("https://x.cn/" + "a" * 3000)
