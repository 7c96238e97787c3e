"""Verification uploads (files too large for one Lambda request): the S3 store on moto and the
local folder store, held to one contract. The e2e path is tests/e2e/test_verification_uploads.py.

moto 5.2.5, measured here: it accepts a presigned POST without checking the policy (a body
beyond `content-length-range` is stored), so the tests assert the signed policy itself, which is
what real S3 enforces, and that `fetch` refuses a stored file above the bound.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from chalicelib.domain import verification_upload as dvu
from chalicelib.storage import verification_uploads as vu

BUCKET = "uap-test-verification-uploads"
REGION = "cn-north-1"
MAX = 10 * 1024 * 1024
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"  # every byte value: binary-safe


def key(caller: str = "ip:203.0.113.9") -> str:
    return dvu.object_key(caller, dvu.new_upload_id())


@pytest.fixture
def s3() -> Iterator[vu.S3VerificationUploads]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield vu.S3VerificationUploads(BUCKET, region=REGION, clock=lambda: 1_800_000_000.0)


def test_keys_name_no_caller_and_ids_are_unguessable() -> None:
    first, second = key(), key()
    assert first != second and "203.0.113.9" not in first
    assert first.split("/")[1] == dvu.owner_of("ip:203.0.113.9") != dvu.owner_of("user:applicant-wang")
    assert all(dvu.is_well_formed(k.rsplit("/", 1)[1]) for k in (first, second))
    for bad in ("", "A" * 26, "a" * 25, "../../etc/passwd", "a" * 27):
        assert not dvu.is_well_formed(bad)
    with pytest.raises(ValueError):
        vu.LocalVerificationUploads("/nowhere", "s" * 32, base_url="http://x").fetch("materials/a/b", MAX)


def test_the_presigned_post_bounds_size_type_and_key(s3: vu.S3VerificationUploads) -> None:
    name = key()
    target = s3.post_target(name, MAX, dvu.UPLOAD_EXPIRES_IN)
    assert target.url == f"https://{BUCKET}.s3.{REGION}.amazonaws.com.cn/"
    assert target.fields["key"] == name and target.fields["Content-Type"] == "application/pdf"
    assert target.expires_at == datetime.fromtimestamp(1_800_000_000 + 900, UTC) and target.max_bytes == MAX
    policy = json.loads(base64.b64decode(target.fields["policy"]))
    # What real S3 enforces: the size range, the content type, this key and nothing else.
    assert ["content-length-range", 1, MAX] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"key": name} in policy["conditions"] and {"bucket": BUCKET} in policy["conditions"]
    assert "x-amz-signature" in target.fields


def test_s3_round_trip_then_delete(s3: vu.S3VerificationUploads) -> None:
    name = key()
    assert s3.fetch(name, MAX) is None
    target = s3.post_target(name, MAX, dvu.UPLOAD_EXPIRES_IN)
    response = requests.post(target.url, data=target.fields, files={"file": ("c.pdf", PDF)}, timeout=10)
    assert response.status_code == 204, response.text
    calls: list[str] = []
    s3.client.meta.events.register("before-call.s3.*", lambda model, **kw: calls.append(model.name))
    fetched = s3.fetch(name, MAX)
    assert fetched is not None and fetched.data == PDF and fetched.uploaded_at.tzinfo is not None
    s3.delete(name)
    assert calls == ["GetObject", "DeleteObject"]
    assert s3.fetch(name, MAX) is None


def test_fetch_refuses_a_file_above_the_bound(s3: vu.S3VerificationUploads) -> None:
    name = key()
    s3.client.put_object(Bucket=BUCKET, Key=name, Body=PDF)
    with pytest.raises(vu.TooLarge):
        s3.fetch(name, len(PDF) - 1)


@pytest.fixture
def local(tmp_path: Path) -> vu.LocalVerificationUploads:
    return vu.LocalVerificationUploads(tmp_path, "local-secret-0123456789", base_url="http://127.0.0.1:8000")


def form(target: vu.PostTarget, pdf: bytes | None, fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    files = {"file": ("c.pdf", pdf)} if pdf is not None else None
    data = target.fields if fields is None else fields
    prepared = requests.Request("POST", target.url, data=data, files=files or {"x": ("x", b"")}).prepare()
    assert isinstance(prepared.body, bytes)
    return prepared.body, prepared.headers["Content-Type"]


def token(target: vu.PostTarget) -> str:
    return target.url.rsplit("/", 1)[1]


def test_local_round_trip_is_binary_safe(local: vu.LocalVerificationUploads) -> None:
    name = key()
    target = local.post_target(name, MAX, dvu.UPLOAD_EXPIRES_IN)
    assert target.url.startswith("http://127.0.0.1:8000/verification-uploads/")
    assert target.fields == {"Content-Type": "application/pdf"}
    local.receive(token(target), *form(target, PDF))
    fetched = local.fetch(name, MAX)
    assert fetched is not None and fetched.data == PDF
    with pytest.raises(vu.TooLarge):
        local.fetch(name, len(PDF) - 1)
    local.delete(name)
    assert local.fetch(name, MAX) is None
    local.delete(name)  # twice: harmless


def _refusal(call: Any) -> str:
    with pytest.raises(vu.UploadRefused) as excinfo:
        call()
    assert excinfo.value.message  # Chinese, for the user
    return excinfo.value.code


def test_local_refusals(local: vu.LocalVerificationUploads, tmp_path: Path) -> None:
    name = key()
    small = local.post_target(name, 100, dvu.UPLOAD_EXPIRES_IN)
    assert _refusal(lambda: local.receive(token(small), *form(small, PDF))) == vu.TOO_LARGE
    target = local.post_target(name, MAX, dvu.UPLOAD_EXPIRES_IN)
    forged = token(target)[:-2] + ("AA" if not token(target).endswith("AA") else "BB")
    assert _refusal(lambda: local.receive(forged, *form(target, PDF))) == vu.TOKEN_INVALID
    other = vu.LocalVerificationUploads(tmp_path, "another-secret-0123456789", base_url="http://x")
    assert _refusal(lambda: other.receive(token(target), *form(target, PDF))) == vu.TOKEN_INVALID
    assert _refusal(lambda: local.receive(token(target), *form(target, None))) == vu.INVALID
    assert _refusal(lambda: local.receive(token(target), *form(target, PDF, {}))) == vu.INVALID
    assert _refusal(lambda: local.receive(token(target), PDF, "application/pdf")) == vu.INVALID
    expired = vu.LocalVerificationUploads(tmp_path, "local-secret-0123456789", base_url="http://x", clock=lambda: 0.0)
    old = expired.post_target(name, MAX, 60)
    assert _refusal(lambda: local.receive(token(old), *form(old, PDF))) == vu.EXPIRED
    assert local.fetch(name, MAX) is None  # nothing was written
