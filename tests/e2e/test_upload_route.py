"""`PUT /uploads/{token}` through Chalice's test client: the local stage's stand-in for S3 uploads.

Tokens come from a `LocalBlobStore` on the same folder and secret the route reads from the
environment, exactly as a GraphQL mutation would hand them out.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from chalice.test import Client

from app import app
from chalicelib.config import get_settings
from chalicelib.storage.blobs import LocalBlobStore, material_key

SECRET = "e2e-upload-secret-0123456789"
MAX = 32 * 1024
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"  # not UTF-8: must arrive byte for byte
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def blob_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The local stage's blob settings, pointing at a temporary folder."""
    folder = tmp_path / "blobs"
    monkeypatch.setenv("UAP_STAGE", "local")
    monkeypatch.setenv("UAP_BLOB_BACKEND", "local")
    monkeypatch.setenv("UAP_BLOB_DIR", str(folder))
    monkeypatch.setenv("UAP_BLOB_SECRET", SECRET)
    monkeypatch.setenv("UAP_BLOB_MAX_BYTES", str(MAX))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def issuer(folder: Path, **kwargs: Any) -> LocalBlobStore:
    return LocalBlobStore(folder, SECRET, max_bytes=MAX, **kwargs)


def target_path(
    store: LocalBlobStore, data: bytes = PDF, content_type: str = "application/pdf", key: str | None = None
) -> str:
    """The path part of an upload target's URL (the test client takes paths)."""
    target = store.upload_target(
        key or material_key("applicant-wang"),
        sha256_hex=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
    )
    assert target.url.startswith("http://127.0.0.1:8000/uploads/")
    return target.url.removeprefix("http://127.0.0.1:8000")


def put(path: str, body: bytes, content_type: str = "application/pdf", stage: str = "local") -> tuple[int, Any]:
    with Client(app, stage_name=stage) as client:
        response = client.http.put(path, headers={"Content-Type": content_type}, body=body)
    return response.status_code, json.loads(response.body) if response.body else None


def test_upload_stores_the_file_and_answers_201(blob_dir: Path) -> None:
    key = material_key("applicant-wang")
    path = target_path(issuer(blob_dir), key=key)
    status, body = put(path, PDF)
    assert status == 201, body
    assert body == {"key": key, "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()}
    assert (blob_dir / key).read_bytes() == PDF
    status, again = put(path, PDF)  # a retried PUT of the same bytes is harmless
    assert (status, again) == (200, body)


@pytest.mark.parametrize("content_type", ["application/octet-stream", "image/jpeg", "image/png"])
def test_every_declared_content_type_is_accepted(blob_dir: Path, content_type: str) -> None:
    status, body = put(target_path(issuer(blob_dir), content_type=content_type), PDF, content_type)
    assert status == 201, body


def _tampered(path: str) -> str:
    return path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")


OTHER = PDF.replace(b"EOF", b"EOX")


@pytest.mark.parametrize(
    ("make_path", "body", "content_type", "status", "code"),
    [
        (lambda d: _tampered(target_path(issuer(d))), PDF, "application/pdf", 403, "UPLOAD_TOKEN_INVALID"),
        (
            lambda d: target_path(LocalBlobStore(d, "a-different-secret-987654321")),
            PDF,
            "application/pdf",
            403,
            "UPLOAD_TOKEN_INVALID",
        ),
        (lambda d: "/uploads/not-a-token", PDF, "application/pdf", 403, "UPLOAD_TOKEN_INVALID"),
        (
            lambda d: target_path(issuer(d, clock=lambda: time.time() - 3600)),
            PDF,
            "application/pdf",
            403,
            "UPLOAD_EXPIRED",
        ),
        (lambda d: target_path(issuer(d)), b"x" * (MAX + 1), "application/pdf", 413, "UPLOAD_TOO_LARGE"),
        (
            lambda d: target_path(LocalBlobStore(d, SECRET, max_bytes=MAX * 2), b"y" * (MAX + 1)),
            b"y" * (MAX + 1),
            "application/pdf",
            413,
            "UPLOAD_TOO_LARGE",
        ),
        (lambda d: target_path(issuer(d)), OTHER, "application/pdf", 400, "UPLOAD_HASH_MISMATCH"),
        (lambda d: target_path(issuer(d)), PDF[:-1], "application/pdf", 400, "UPLOAD_SIZE_MISMATCH"),
        (lambda d: target_path(issuer(d)), PDF, "image/png", 415, "UPLOAD_CONTENT_TYPE_MISMATCH"),
    ],
    ids=[
        "tampered",
        "other-secret",
        "garbage",
        "expired",
        "body-over-limit",
        "declared-over-limit",
        "hash-mismatch",
        "size-mismatch",
        "content-type-mismatch",
    ],
)
def test_refusals_carry_a_code_and_a_chinese_message(
    blob_dir: Path, make_path: Any, body: bytes, content_type: str, status: int, code: str
) -> None:
    got_status, got = put(make_path(blob_dir), body, content_type)
    assert got_status == status, got
    assert got["error"]["code"] == code
    assert CJK.search(got["error"]["message"])
    assert not any(blob_dir.rglob("materials/*/*"))  # nothing was stored


def test_other_content_under_an_existing_key_is_a_conflict(blob_dir: Path) -> None:
    key = material_key("applicant-wang")
    first, second = target_path(issuer(blob_dir), PDF, key=key), target_path(issuer(blob_dir), OTHER, key=key)
    assert put(first, PDF)[0] == 201
    status, body = put(second, OTHER)
    assert (status, body["error"]["code"]) == (409, "BLOB_EXISTS")
    assert (blob_dir / key).read_bytes() == PDF


def test_undeclared_content_types_and_methods_are_refused_by_the_route(blob_dir: Path) -> None:
    path = target_path(issuer(blob_dir))
    assert put(path, PDF, "text/html")[0] == 415
    with Client(app, stage_name="local") as client:
        assert client.http.get(path).status_code == 405
        assert client.http.post(path, headers={"Content-Type": "application/pdf"}, body=PDF).status_code == 405


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_route_answers_404_on_every_other_stage(blob_dir: Path, stage: str) -> None:
    """Elsewhere clients upload straight to S3; the Lambda never accepts file bodies."""
    path = target_path(issuer(blob_dir))
    get_settings.cache_clear()  # the test client sets UAP_STAGE for `stage`; read it afresh
    status, body = put(path, PDF, stage=stage)
    assert (status, body["error"]["code"]) == (404, "NOT_FOUND")
    assert not any(blob_dir.rglob("materials/*/*"))


def test_a_local_stage_without_the_local_backend_answers_404(blob_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.api.uploads import handle_upload
    from chalicelib.config import Settings

    monkeypatch.setenv("UAP_BLOB_BACKEND", "s3")

    class FakeRequest:
        raw_body = PDF
        headers: ClassVar[dict[str, str]] = {"content-type": "application/pdf"}

    token = target_path(issuer(blob_dir)).removeprefix("/uploads/")
    response = handle_upload(FakeRequest(), token, Settings(stage="local"))  # type: ignore[arg-type]
    assert response.status_code == 404
