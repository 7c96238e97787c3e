"""Verifying a certificate PDF too large for one request (issue 16, point 4).

API Gateway hands Lambda at most 6 MB per request, and a PDF sent as `application/pdf` reaches
Lambda base64-encoded (4/3 larger): `POST /verify` takes up to `DIRECT_MAX_BYTES` (4 MiB), and a
file up to the verification bound (10 MiB) goes through a short-lived upload instead: ask for a
target, POST the file straight to storage, then verify it by the opaque upload id.

The upload id is bound to who asked (the signed-in account, else the source address): an id
minted for someone else, an unknown id, an expired one and a malformed one all answer the same
NOT_FOUND, so ids cannot be probed. Nothing personal goes into the storage key: the owner part is
a keyed digest of the caller, never the address or account itself.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

DIRECT_MAX_BYTES = 4 * 1024 * 1024  # base64 in a Lambda event: 5.6 MB of the 6 MB request payload
UPLOAD_EXPIRES_IN = 900  # seconds the presigned POST stays usable
UPLOAD_LIFETIME = timedelta(days=1)  # then the file is gone (the bucket's lifecycle rule, and checked here)
AREA = "verifications"
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # lower-case base32: safe in keys and URLs
ID_LENGTH = 26  # 130 bits
_ID = re.compile(f"[{ID_ALPHABET}]{{{ID_LENGTH}}}")


class VerificationUploadCode:
    """English error codes (messages in Chinese)."""

    NOT_FOUND = "NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"
    USE_PRESIGNED_UPLOAD = "USE_PRESIGNED_UPLOAD"


NOT_FOUND_MESSAGE = "未找到该上传文件,或已过期(上传后须在1天内核验),请重新上传"
RATE_LIMITED_MESSAGE = "操作过于频繁,请稍后再试"
USE_PRESIGNED_MESSAGE = (
    f"文件超过{DIRECT_MAX_BYTES // 1048576} MiB,无法直接提交;"
    "请先调用 certificateVerificationUploadCreate 上传文件(最大10 MiB),再以 uploadId 核验"
)


def new_upload_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def is_well_formed(upload_id: str) -> bool:
    return isinstance(upload_id, str) and bool(_ID.fullmatch(upload_id))


def owner_of(caller_key: str) -> str:
    """The key part naming who asked: a digest, so no address or account id is stored."""
    return hashlib.sha256(f"uap-verification-owner\x00{caller_key}".encode()).hexdigest()[:32]


def object_key(caller_key: str, upload_id: str) -> str:
    return f"{AREA}/{owner_of(caller_key)}/{upload_id}"
