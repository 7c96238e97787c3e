"""Material-file storage: the local folder store and the S3 store (on moto), held to one contract.

What matters is that nothing a client claims is believed: tokens and presigned URLs bind key,
size, SHA-256 and content type, and `stat`/`confirm` read the truth from what is stored.

moto 5.2.5, measured here: inside `mock_aws` it intercepts `requests` (through `responses`) but
not `urllib`; it verifies neither presigned signatures nor `x-amz-checksum-sha256`, and stores a
client-sent checksum without checking it. So the tests assert what real S3 relies on (the
checksum and length are *signed headers* of the URL) and that `stat` exposes a wrong body.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import stat as stat_mode
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.config import Settings
from chalicelib.storage import blobs
from chalicelib.storage.blobs import (
    BlobError,
    LocalBlobStore,
    S3BlobStore,
    UploadGrant,
    blob_store_from_config,
    confirm,
    material_key,
)

SECRET = "test-secret-0123456789abcdef"
BUCKET = "uap-test-materials"
REGION = "cn-north-1"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_of(excinfo: pytest.ExceptionInfo[BlobError]) -> str:
    return excinfo.value.code


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No network but 127.0.0.1: a presigned URL that escaped moto would fail loudly."""
    original = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"test tried to reach {address}")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def local(tmp_path: Path, clock: Clock) -> LocalBlobStore:
    return LocalBlobStore(
        tmp_path / "blobs", SECRET, base_url="http://127.0.0.1:8000/", max_bytes=64 * 1024, clock=clock
    )


def token_of(url: str) -> str:
    return url.rsplit("/uploads/", 1)[1]


def grant_for(
    store: LocalBlobStore, data: bytes = PDF, key: str | None = None, content_type: str = "application/pdf"
) -> str:
    target = store.upload_target(
        key or material_key("applicant-wang"), sha256_hex=sha(data), size=len(data), content_type=content_type
    )
    return token_of(target.url)


# --- keys ---------------------------------------------------------------------------------------


def test_material_keys_are_per_applicant_and_unique() -> None:
    first, second = material_key("applicant-wang"), material_key("applicant-wang")
    assert first.startswith("materials/applicant-wang/") and first != second
    assert material_key("company-haixing", "0b6f") == "materials/company-haixing/0b6f"
    with pytest.raises(BlobError) as excinfo:
        material_key("../etc")
    assert code_of(excinfo) == "BLOB_KEY_INVALID"


BAD_KEYS = [
    "../etc/passwd",
    "/etc/passwd",
    "materials/../../etc/passwd",
    "materials/a/../../x",
    "materials/a/..",
    "materials/a/b..c",
    "materials/a/.hidden",
    "materials/a/.upload-secret",
    "materials/a",
    "materials/a/b/c",
    "materials\\a\\b",
    "materials/a/b\x00",
    "materials//b",
    "other/a/b",
    "",
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_path_traversal_and_odd_keys_are_refused_everywhere(local: LocalBlobStore, key: str) -> None:
    calls = [
        lambda: local.upload_target(key, sha256_hex=sha(b"x"), size=1, content_type="application/pdf"),
        lambda: local.put(key, b"x", "application/pdf"),
        lambda: local.get(key),
        lambda: local.stat(key),
        lambda: S3BlobStore(BUCKET, region=REGION, client=object()).stat(key),
    ]
    for call in calls:
        with pytest.raises(BlobError) as excinfo:
            call()
        assert code_of(excinfo) == "BLOB_KEY_INVALID"
    assert not (local.root.parent / "etc").exists()


def test_a_signed_token_with_a_traversal_key_is_still_refused(local: LocalBlobStore) -> None:
    token = local.make_token(UploadGrant("materials/../../evil", sha(b"x"), 1, "application/pdf", 2_000_000_000))
    with pytest.raises(BlobError) as excinfo:
        local.receive(token, b"x", "application/pdf")
    assert code_of(excinfo) == "UPLOAD_TOKEN_INVALID"


# --- local store --------------------------------------------------------------------------------


def test_local_round_trip(local: LocalBlobStore, clock: Clock) -> None:
    key = material_key("applicant-wang")
    target = local.upload_target(key, sha256_hex=sha(PDF).upper(), size=len(PDF), content_type="application/pdf")
    assert target.url.startswith("http://127.0.0.1:8000/uploads/") and "//uploads" not in target.url
    assert (target.method, target.key, target.max_bytes) == ("PUT", key, 64 * 1024)
    assert target.headers == {"Content-Type": "application/pdf"}
    assert target.expires_at == "2027-01-15T08:15:00Z"  # clock + 900 s, ISO UTC
    assert local.stat(key) is None and local.get(key) is None

    info, created = local.receive(token_of(target.url), PDF, "application/pdf; charset=binary")
    assert created and info == blobs.BlobInfo(key, len(PDF), sha(PDF))
    assert local.stat(key) == info
    assert local.get(key) == PDF
    assert confirm(local, key, sha256_hex=sha(PDF), size=len(PDF)) == info

    again, created = local.receive(token_of(target.url), PDF, "application/pdf")  # a retried PUT
    assert again == info and not created
    assert not [p for p in local.root.rglob(".tmp-*")]  # atomic writes leave no temp files


def test_server_side_put_and_get(local: LocalBlobStore) -> None:
    key = "certificates/app-1/certificate.pdf"
    assert local.put(key, PDF, "application/pdf") == blobs.BlobInfo(key, len(PDF), sha(PDF))
    assert local.get(key) == PDF
    assert local.put(key, PDF, "application/pdf").sha256 == sha(PDF)  # same content: idempotent


def test_never_overwrites_an_existing_key_with_other_content(local: LocalBlobStore) -> None:
    key = material_key("applicant-wang")
    other = PDF.replace(b"EOF", b"EOX")
    first, second = grant_for(local, PDF, key), grant_for(local, other, key)
    local.receive(first, PDF, "application/pdf")
    with pytest.raises(BlobError) as excinfo:
        local.receive(second, other, "application/pdf")
    assert code_of(excinfo) == "BLOB_EXISTS"
    with pytest.raises(BlobError) as excinfo:
        local.put(key, other, "application/pdf")
    assert code_of(excinfo) == "BLOB_EXISTS"
    assert local.get(key) == PDF
    assert not [p for p in local.root.rglob(".tmp-*")]


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t, other: _flip(t, 5), id="payload-changed"),
        pytest.param(lambda t, other: _flip(t, len(t) - 3), id="signature-changed"),
        pytest.param(lambda t, other: t.split(".")[0] + "." + other.split(".")[1], id="signature-from-another-token"),
        pytest.param(lambda t, other: other.split(".")[0] + "." + t.split(".")[1], id="payload-from-another-token"),
        pytest.param(lambda t, other: t.split(".")[0], id="signature-removed"),
        pytest.param(lambda t, other: t + ".x", id="extra-part"),
        pytest.param(lambda t, other: "", id="empty"),
        pytest.param(lambda t, other: "a" * 5000, id="huge"),
        pytest.param(
            lambda t, other: grant_for(LocalBlobStore("/nowhere", "another-secret-0123456789")), id="other-secret"
        ),
    ],
)
def test_tampered_tokens_are_refused(local: LocalBlobStore, tamper: Any) -> None:
    token = grant_for(local, PDF)
    other = grant_for(local, PDF[:-1])
    with pytest.raises(BlobError) as excinfo:
        local.receive(tamper(token, other), PDF, "application/pdf")
    assert code_of(excinfo) == "UPLOAD_TOKEN_INVALID"
    assert not any(local.root.rglob("materials/*/*"))


def test_expired_tokens_are_refused(local: LocalBlobStore, clock: Clock) -> None:
    target = local.upload_target(
        material_key("applicant-wang"),
        sha256_hex=sha(PDF),
        size=len(PDF),
        content_type="application/pdf",
        expires_in=60,
    )
    clock.now += 60
    local.verify_token(token_of(target.url))  # still valid at the last second
    clock.now += 1
    with pytest.raises(BlobError) as excinfo:
        local.receive(token_of(target.url), PDF, "application/pdf")
    assert code_of(excinfo) == "UPLOAD_EXPIRED"


def test_oversize_is_refused_when_asking_and_when_uploading(local: LocalBlobStore, clock: Clock) -> None:
    big = b"x" * (local.max_bytes + 1)
    with pytest.raises(BlobError) as excinfo:
        local.upload_target(material_key("a"), sha256_hex=sha(big), size=len(big), content_type="application/pdf")
    assert code_of(excinfo) == "UPLOAD_TOO_LARGE" and "MiB" in excinfo.value.message
    with pytest.raises(BlobError) as excinfo:  # a body larger than the limit, whatever the token says
        local.receive(grant_for(local, PDF), big, "application/pdf")
    assert code_of(excinfo) == "UPLOAD_TOO_LARGE"
    stricter = LocalBlobStore(local.root, SECRET, max_bytes=len(PDF) - 1, clock=clock)  # limit lowered later
    with pytest.raises(BlobError) as excinfo:
        stricter.receive(grant_for(local, PDF), PDF, "application/pdf")
    assert code_of(excinfo) == "UPLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (PDF.replace(b"EOF", b"EOX"), "application/pdf", "UPLOAD_HASH_MISMATCH"),  # same length, other bytes
        (PDF[:-1], "application/pdf", "UPLOAD_SIZE_MISMATCH"),
        (PDF + b"\n", "application/pdf", "UPLOAD_SIZE_MISMATCH"),
        (b"", "application/pdf", "UPLOAD_SIZE_MISMATCH"),
        (PDF, "image/png", "UPLOAD_CONTENT_TYPE_MISMATCH"),
        (PDF, None, "UPLOAD_CONTENT_TYPE_MISMATCH"),
    ],
)
def test_bodies_that_differ_from_the_grant_are_refused(
    local: LocalBlobStore, body: bytes, content_type: str | None, code: str
) -> None:
    with pytest.raises(BlobError) as excinfo:
        local.receive(grant_for(local, PDF), body, content_type)
    assert code_of(excinfo) == code
    assert excinfo.value.message  # Chinese, for the user
    assert not any(local.root.rglob("materials/*/*"))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"sha256_hex": "zz" * 32}, "UPLOAD_INVALID"),
        ({"sha256_hex": "ab"}, "UPLOAD_INVALID"),
        ({"size": 0}, "UPLOAD_INVALID"),
        ({"size": True}, "UPLOAD_INVALID"),
        ({"content_type": "text/html"}, "UPLOAD_INVALID"),
        ({"expires_in": 0}, "UPLOAD_INVALID"),
        ({"expires_in": 7200}, "UPLOAD_INVALID"),
    ],
)
def test_bad_declarations_are_refused_before_signing(local: LocalBlobStore, kwargs: dict[str, Any], code: str) -> None:
    args: dict[str, Any] = {"sha256_hex": sha(PDF), "size": len(PDF), "content_type": "application/pdf", **kwargs}
    for store in (local, S3BlobStore(BUCKET, region=REGION, client=object())):
        with pytest.raises(BlobError) as excinfo:
            store.upload_target(material_key("a"), **args)
        assert code_of(excinfo) == code


def test_confirm_reports_what_differs(local: LocalBlobStore) -> None:
    key = material_key("applicant-wang")
    with pytest.raises(BlobError) as excinfo:
        confirm(local, key, sha256_hex=sha(PDF), size=len(PDF))
    assert code_of(excinfo) == "UPLOAD_MISSING"
    local.put(key, PDF, "application/pdf")
    for digest, size, code in [
        (sha(PDF), len(PDF) + 1, "UPLOAD_SIZE_MISMATCH"),
        (sha(b"other"), len(PDF), "UPLOAD_HASH_MISMATCH"),
    ]:
        with pytest.raises(BlobError) as excinfo:
            confirm(local, key, sha256_hex=digest, size=size)
        assert code_of(excinfo) == code


# --- configuration --------------------------------------------------------------------------------


def test_config_defaults_follow_the_stage(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BACKEND", "BUCKET", "DIR", "SECRET", "BASE_URL", "MAX_BYTES", "ENDPOINT"):
        monkeypatch.delenv(f"UAP_BLOB_{name}", raising=False)
    dev = blob_store_from_config(Settings(stage="dev", region=REGION))
    assert isinstance(dev, S3BlobStore) and dev.bucket == "uap-dev-materials" and dev.region == REGION
    assert dev.max_bytes == 20 * 1024 * 1024
    assert blob_store_from_config(Settings(stage="dev", region=REGION)) is dev  # one per process

    settings = blobs.blob_settings(Settings(stage="local"))
    assert (settings.backend, settings.base_url) == ("local", "http://127.0.0.1:8000")
    assert settings.directory == blobs.ROOT / ".local" / "blobs"

    monkeypatch.setenv("UAP_BLOB_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("UAP_BLOB_MAX_BYTES", "1000")
    store = blob_store_from_config(Settings(stage="local"))
    assert isinstance(store, LocalBlobStore) and store.root == tmp_path / "store" and store.max_bytes == 1000
    secret_file = tmp_path / "store" / blobs.SECRET_FILE
    assert stat_mode.S_IMODE(secret_file.stat().st_mode) == 0o600  # generated once, private
    assert blobs.local_secret(tmp_path / "store") == secret_file.read_text().strip()

    monkeypatch.setenv("UAP_BLOB_BACKEND", "ftp")
    with pytest.raises(ValueError, match="UAP_BLOB_BACKEND"):
        blob_store_from_config(Settings(stage="local"))


# --- S3 on moto -----------------------------------------------------------------------------------


@pytest.fixture
def s3() -> Iterator[S3BlobStore]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield S3BlobStore(BUCKET, region=REGION, max_bytes=64 * 1024)


def count_calls(store: S3BlobStore, operation: str) -> list[str]:
    calls: list[str] = []
    store.client.meta.events.register(f"before-call.s3.{operation}", lambda **kw: calls.append(operation))
    return calls


def test_presigned_url_signs_length_type_and_checksum_as_headers(s3: S3BlobStore) -> None:
    key = material_key("applicant-wang")
    target = s3.upload_target(key, sha256_hex=sha(PDF), size=len(PDF), content_type="application/pdf")
    url = urlsplit(target.url)
    query = parse_qs(url.query)
    assert url.scheme == "https" and url.netloc == f"{BUCKET}.s3.{REGION}.amazonaws.com.cn" and url.path == f"/{key}"
    # Real S3 refuses a request whose signed headers differ: another length, type or digest, no
    # pending tag (the lifecycle rule would not see the upload), no If-None-Match.
    signed = "content-length;content-type;host;if-none-match;x-amz-checksum-sha256;x-amz-tagging"
    assert query["X-Amz-SignedHeaders"] == [signed]
    assert query["X-Amz-Expires"] == ["900"]
    assert not [name for name in query if "checksum" in name.lower()]  # a query checksum is not enforced
    checksum = base64.b64encode(hashlib.sha256(PDF).digest()).decode()
    assert target.headers == {
        "Content-Type": "application/pdf",
        "x-amz-checksum-sha256": checksum,
        "x-amz-tagging": "uap-upload=pending",
        "If-None-Match": "*",
    }
    assert (target.method, target.key, target.max_bytes) == ("PUT", key, 64 * 1024)
    assert target.expires_at.endswith("Z")


def test_s3_round_trip_through_the_presigned_url(s3: S3BlobStore) -> None:
    import requests

    key = material_key("applicant-wang")
    target = s3.upload_target(key, sha256_hex=sha(PDF), size=len(PDF), content_type="application/pdf")
    assert s3.stat(key) is None and s3.get(key) is None
    response = requests.put(target.url, data=PDF, headers=target.headers, timeout=10)
    assert response.status_code == 200, response.text
    downloads = count_calls(s3, "GetObject")
    info = s3.stat(key)
    assert info == blobs.BlobInfo(key, len(PDF), sha(PDF))
    # moto keeps no checksum for a header-only upload, so stat hashed the bytes itself.
    assert downloads == ["GetObject"]
    assert s3.get(key) == PDF
    assert confirm(s3, key, sha256_hex=sha(PDF), size=len(PDF)) == info


@pytest.mark.parametrize(
    ("body", "code"),
    [(PDF.replace(b"EOF", b"EOX"), "UPLOAD_HASH_MISMATCH"), (PDF[:-7], "UPLOAD_SIZE_MISMATCH")],
)
def test_a_wrong_body_is_refused_by_s3_or_caught_by_stat(s3: S3BlobStore, body: bytes, code: str) -> None:
    import requests

    key = material_key("applicant-wang")
    target = s3.upload_target(key, sha256_hex=sha(PDF), size=len(PDF), content_type="application/pdf")
    response = requests.put(target.url, data=body, headers=target.headers, timeout=10)
    if response.status_code >= 400:  # real S3: BadDigest / SignatureDoesNotMatch
        assert s3.stat(key) is None
        return
    # moto 5.2.5 accepts it (no signature or checksum checks); the stored truth still shows.
    info = s3.stat(key)
    assert info is not None and (info.size, info.sha256) == (len(body), sha(body))
    with pytest.raises(BlobError) as excinfo:
        confirm(s3, key, sha256_hex=sha(PDF), size=len(PDF))
    assert code_of(excinfo) == code


def test_server_side_put_is_checksummed_and_never_overwrites(s3: S3BlobStore) -> None:
    key = "certificates/app-1/certificate.pdf"
    assert s3.put(key, PDF, "application/pdf") == blobs.BlobInfo(key, len(PDF), sha(PDF))
    head = s3.client.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")
    # No per-request SSE-S3 header: the bucket's default (KMS, infra/template.py) applies.
    assert "ServerSideEncryption" not in head and head["ContentType"] == "application/pdf"
    assert base64.b64decode(head["ChecksumSHA256"]).hex() == sha(PDF)
    downloads = count_calls(s3, "GetObject")
    assert s3.stat(key) == blobs.BlobInfo(key, len(PDF), sha(PDF))
    assert downloads == []  # S3's stored (and verified) checksum was enough
    assert s3.put(key, PDF, "application/pdf").sha256 == sha(PDF)  # same content: idempotent
    with pytest.raises(BlobError) as excinfo:
        s3.put(key, b"other", "application/pdf")
    assert code_of(excinfo) == "BLOB_EXISTS"
    assert s3.get(key) == PDF


def test_presigned_upload_over_real_http_to_a_moto_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib is not intercepted by mock_aws, so a threaded moto server on 127.0.0.1 plays S3."""
    import boto3
    from moto.server import ThreadedMotoServer

    from infra.local_stack import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        boto3.client("s3", region_name=REGION, endpoint_url=endpoint).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        monkeypatch.setenv("UAP_BLOB_BACKEND", "s3")
        monkeypatch.setenv("UAP_BLOB_BUCKET", BUCKET)
        monkeypatch.setenv("UAP_BLOB_ENDPOINT", endpoint)
        store = blob_store_from_config(Settings(stage="test", region=REGION))
        key = material_key("applicant-zhou")
        png = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
        target = store.upload_target(key, sha256_hex=sha(png), size=len(png), content_type="image/png")
        assert target.url.startswith(f"{endpoint}/{BUCKET}/{key}?")
        request = urllib.request.Request(target.url, data=png, headers=target.headers, method=target.method)
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        assert store.stat(key) == blobs.BlobInfo(key, len(png), sha(png))
        assert store.get(key) == png
    finally:
        server.stop()


# --- records and abandoned uploads (object lock, tags) on moto ----------------------------------
# moto 5.2.5, measured here: it stores the tags of a presigned PUT's signed x-amz-tagging header,
# honours If-None-Match, PutObjectTagging/PutObjectRetention with a VersionId and refuses to
# delete a locked version; it does not run lifecycle rules (tests/unit/test_template.py checks
# the rule) and answers GetObjectRetention with a VersionId with a 500 (HeadObject shows the lock).

LOCKED_BUCKET = "uap-test-records"


@pytest.fixture
def locked(clock: Clock) -> Iterator[S3BlobStore]:
    """A versioned bucket with object lock and no default retention, as the template makes it."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=LOCKED_BUCKET,
            CreateBucketConfiguration={"LocationConstraint": REGION},
            ObjectLockEnabledForBucket=True,
        )
        yield S3BlobStore(LOCKED_BUCKET, region=REGION, max_bytes=64 * 1024, clock=clock, retention_years=10)


def _tags(store: S3BlobStore, key: str, version: str | None = None) -> dict[str, str]:
    extra = {"VersionId": version} if version else {}
    tag_set = store.client.get_object_tagging(Bucket=store.bucket, Key=key, **extra)["TagSet"]
    return {t["Key"]: t["Value"] for t in tag_set}


def _upload(store: S3BlobStore, key: str, data: bytes = PDF) -> Any:
    import requests

    target = store.upload_target(key, sha256_hex=sha(data), size=len(data), content_type="application/pdf")
    return target, requests.put(target.url, data=data, headers=target.headers, timeout=10)


def test_an_upload_lands_pending_and_unlocked(locked: S3BlobStore) -> None:
    key = material_key("applicant-wang")
    _, response = _upload(locked, key)
    assert response.status_code == 200, response.text
    info = locked.stat(key)
    assert info is not None and info.version  # the version that was checked, for retain()
    head = locked.client.head_object(Bucket=LOCKED_BUCKET, Key=key)
    assert "ObjectLockMode" not in head  # no default retention: the lifecycle rule may expire it
    assert _tags(locked, key) == {"uap-upload": "pending"}


def test_a_second_put_to_the_same_url_is_refused(locked: S3BlobStore) -> None:
    """If-None-Match: nobody can stack a new (pending) version on a file once cited."""
    import requests

    key = material_key("applicant-wang")
    target, first = _upload(locked, key)
    assert first.status_code == 200
    again = requests.put(target.url, data=PDF, headers=target.headers, timeout=10)
    assert again.status_code == 412
    versions = locked.client.list_object_versions(Bucket=LOCKED_BUCKET, Prefix=key)["Versions"]
    assert len(versions) == 1


def test_retain_locks_the_checked_version_and_marks_it_cited(locked: S3BlobStore, clock: Clock) -> None:
    key = material_key("applicant-wang")
    _upload(locked, key)
    info = locked.stat(key)
    assert info is not None
    calls: list[str] = []
    locked.client.meta.events.register("before-call.s3.*", lambda model, **kw: calls.append(model.name))
    locked.retain(key, info.version)
    assert calls == ["PutObjectRetention", "PutObjectTagging"]  # two S3 requests per cited file
    head = locked.client.head_object(Bucket=LOCKED_BUCKET, Key=key, VersionId=info.version)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"].year == 2027 + 10  # clock: 2027-01-15
    assert _tags(locked, key, info.version) == {"uap-upload": "cited"}
    with pytest.raises(Exception, match="AccessDenied"):
        locked.client.delete_object(Bucket=LOCKED_BUCKET, Key=key, VersionId=info.version)
    locked.retain(key, info.version)  # citing it again (a supplement) is harmless
    assert _tags(locked, key) == {"uap-upload": "cited"}


def test_certificates_are_locked_as_they_are_written(locked: S3BlobStore) -> None:
    key = "certificates/app-1/certificate.pdf"
    locked.put(key, PDF, "application/pdf")
    head = locked.client.head_object(Bucket=LOCKED_BUCKET, Key=key)
    assert head["ObjectLockMode"] == "GOVERNANCE" and head["ObjectLockRetainUntilDate"].year == 2037
    assert _tags(locked, key) == {}  # never pending: the lifecycle rule is for uploads only


def test_retention_years_follow_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UAP_BLOB_BACKEND", "s3")
    assert blobs.blob_settings(Settings(stage="dev")).retention_years == 10
    monkeypatch.setenv("UAP_BLOB_RETENTION_YEARS", "30")
    store = blob_store_from_config(Settings(stage="dev", region=REGION))
    assert isinstance(store, S3BlobStore) and store.retention_years == 30
