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

from chalicelib.rendering.certificate_pdf import MAX_QR_PAYLOAD
from chalicelib.rendering.qr import _EXP, _LOG, _codewords, qr_matrix, qr_penalty, qr_rows

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


def _signed_urls() -> list[str]:
    """What a certificate's QR code carries since issue 13: the verification URL, ``#`` and a
    signed offline payload (compact JWS, base64url), up to the longest payload the view accepts."""
    rng = random.Random(13)
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    urls = []
    for length in (180, 420, 700, 950, MAX_QR_PAYLOAD):
        parts = [length // 6, length - length // 6 - 88, 86]
        jws = ".".join("".join(rng.choice(b64) for _ in range(n)) for n in parts)
        urls.append(f"https://zwfw.zhoushan.gov.cn/zzhy/v/ZS-ZRZY-2026-{length:06d}?c=7KQ2-M9XD#{jws}")
    return urls


SIGNED_URLS = _signed_urls()


@pytest.mark.parametrize("url", SIGNED_URLS)
def test_dense_codes_carrying_a_signed_payload_are_qrcodes(url: str) -> None:
    """The dense versions (11-30) the signed payload needs: module for module `qrcode`'s, every
    mask scored as `qrcode` scores it."""
    reference = _reference(url)
    assert reference.version >= 9
    assert qr_matrix(url) == [list(row) for row in reference.get_matrix()]
    assert qr_rows(url) == ["".join("1" if m else "0" for m in row) for row in reference.get_matrix()]
    for pattern in range(8):
        reference.makeImpl(True, pattern)
        assert qr_penalty(reference.modules) == qrcode.util.lost_point(reference.modules)


def test_the_signed_payloads_reach_the_densest_versions_a_certificate_draws() -> None:
    versions = [_reference(url).version for url in SIGNED_URLS]
    assert versions == sorted(versions) and versions[-1] >= 20, versions


def test_every_mask_scores_as_qrcode_scores_it() -> None:
    for url in URLS[::5]:
        reference = _reference(url)
        for pattern in range(8):
            reference.makeImpl(True, pattern)
            assert qr_penalty(reference.modules) == qrcode.util.lost_point(reference.modules)


def _blocks(version: int, codewords: bytes) -> list[bytes]:
    """Undo the interleaving: each Reed-Solomon block, its data then its error correction."""
    from qrcode.base import rs_blocks

    blocks = rs_blocks(version, ERROR_CORRECT_M)
    data: list[list[int]] = [[] for _ in blocks]
    ec: list[list[int]] = [[] for _ in blocks]
    stream = iter(codewords)
    for i in range(max(b.data_count for b in blocks)):
        for j, block in enumerate(blocks):
            if i < block.data_count:
                data[j].append(next(stream))
    for i in range(max(b.total_count - b.data_count for b in blocks)):
        for j, block in enumerate(blocks):
            if i < block.total_count - block.data_count:
                ec[j].append(next(stream))
    assert next(stream, None) is None
    return [bytes(d + e) for d, e in zip(data, ec, strict=True)]


def _syndromes(block: bytes, ec_count: int) -> list[int]:
    """The block as a polynomial evaluated at a^0 .. a^(ec_count-1): all zero for a codeword."""
    values = []
    for power in range(ec_count):
        value = 0
        for byte in block:
            value = (_EXP[_LOG[value] + power] if value else 0) ^ byte
        values.append(value)
    return values


def _assert_valid_code(url: str) -> None:
    from qrcode.base import rs_blocks

    version, codewords = _codewords(url)
    for block, spec in zip(_blocks(version, codewords), rs_blocks(version, ERROR_CORRECT_M), strict=True):
        assert not any(_syndromes(block, spec.total_count - spec.data_count)), url


def test_every_block_checks_out_independently_of_qrcode() -> None:
    for url in URLS:
        _assert_valid_code(url)


def test_a_block_of_zero_bytes_where_qrcode_itself_fails() -> None:
    """qrcode 8.2 raises glog(0) for a data block of all zero bytes; the certificate still gets
    its (correct) code."""
    url = "https://a.cn/v/" + "0" * 107
    with pytest.raises(ValueError, match="glog"):
        _reference(url)
    _assert_valid_code(url)
    version, codewords = _codewords(url)
    assert any(not any(block) for block in _blocks(version, codewords))  # the zero block, zero EC
    assert len(qr_matrix(url)) == 4 * version + 17


def test_a_url_too_long_for_any_qr_code_is_refused() -> None:
    with pytest.raises(qrcode.exceptions.DataOverflowError):
        _codewords("https://x.cn/" + "a" * 3000)
