"""Uploaded material files become records only when a change cites them (issue 16, point 4).

On S3 (moto, inside the e2e tests' `mock_aws`), through `/graphql` with the client operations:
an upload lands tagged `uap-upload=pending` and unlocked, so the bucket's lifecycle rule expires
it if nobody files it; filing (or a supplement) locks the exact version that was checked and
retags it `cited` *before* the transaction commits, so a committed case never cites a file the
rule could remove. A refused filing leaves its uploads pending; a failed lock means no filing.
The filing's DynamoDB requests are the same as on the local store: the citing costs S3 calls only.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Api, CallCounter
from tests.flows import Case, op

BUCKET = "uap-test-records"
REGION = "cn-north-1"


@pytest.fixture
def s3_store(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The materials bucket as the template makes it: versioned, object lock, no default retention."""
    import boto3

    from chalicelib.domain.record_retention import RETENTION_YEARS
    from chalicelib.storage import blobs

    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}, ObjectLockEnabledForBucket=True
    )
    store = blobs.S3BlobStore(BUCKET, region=REGION, retention_years=RETENTION_YEARS)
    # Chalice's test client sets the local stage's UAP_BLOB_BACKEND=local for each request, so the
    # store is handed in where the API looks it up.
    monkeypatch.setattr(blobs, "blob_store_from_config", lambda settings=None: store)
    yield store


def s3_upload(api: Api, code: str, content: bytes, *, as_: str, file_name: str = "材料.pdf") -> dict[str, Any]:
    """What a browser does: materialUploadCreate, then PUT with exactly the headers given."""
    import requests

    digest = hashlib.sha256(content).hexdigest()
    body = api.gql(
        op("MaterialUploadCreate"),
        {"input": {"sha256": digest, "size": len(content), "contentType": "application/pdf"}},
        as_=as_,
    )
    target = body["data"]["materialUploadCreate"]["upload"]
    headers = {h["name"]: h["value"] for h in target["headers"]}
    response = requests.put(target["url"], data=content, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return {"code": code, "fileName": file_name, "blobKey": target["blobKey"], "sha256": digest, "size": len(content)}


def state(store: Any, key: str) -> tuple[str | None, str | None, int | None]:
    """(tag value, lock mode, retain-until year) of the key's current version."""
    head = store.client.head_object(Bucket=BUCKET, Key=key)
    tags = store.client.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]
    tag = next((t["Value"] for t in tags if t["Key"] == "uap-upload"), None)
    until = head.get("ObjectLockRetainUntilDate")
    return tag, head.get("ObjectLockMode"), until.year if until else None


def s3_calls(store: Any) -> Counter[str]:
    calls: Counter[str] = Counter()
    store.client.meta.events.register("before-call.s3.*", lambda model, **kw: calls.update([model.name]))
    return calls


def test_filing_locks_the_cited_uploads_and_leaves_the_others_pending(
    api: Api, s3_store: Any, ddb_calls: CallCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import clock
    from chalicelib.storage import blobs

    # The same filing on the local store first: its DynamoDB requests are the yardstick.
    local_case = Case(api)
    with monkeypatch.context() as local:
        local.setattr(
            blobs, "blob_store_from_config", lambda settings=None: blobs._store(blobs.blob_settings(settings))
        )
        value = local_case.file_input()
        ddb_calls.reset()
        local_case.run("ApplicationFile", value, "applicant-wang")
        on_local = dict(ddb_calls.calls)

    monkeypatch.setattr(api, "upload", lambda *a, **kw: s3_upload(api, *a, **kw))
    case = Case(api)
    value = case.file_input()
    abandoned = s3_upload(api, "X", b"never filed", as_="applicant-wang")["blobKey"]
    cited = [m["blobKey"] for m in value["input"]["materials"]]
    assert all(state(s3_store, key) == ("pending", None, None) for key in [*cited, abandoned])

    calls = s3_calls(s3_store)
    ddb_calls.reset()
    case.id = case.run("ApplicationFile", value, "applicant-wang")["application"]["id"]
    assert dict(ddb_calls.calls) == on_local  # citing costs no DynamoDB request
    calls = Counter(calls)  # what the filing cost, before the checks below read S3 themselves

    year = clock.utc_now().year + 10
    assert all(state(s3_store, key) == ("cited", "GOVERNANCE", year) for key in cited)
    assert state(s3_store, abandoned) == ("pending", None, None)  # the lifecycle rule's to expire
    n = len(cited)
    # Per uploaded file: HeadObject (size and SHA-256, as before), PutObjectRetention, PutObjectTagging.
    # (moto keeps no checksum of a presigned PUT, so stat also downloads; real S3 answers from HeadObject.)
    assert calls["HeadObject"] == calls["PutObjectRetention"] == calls["PutObjectTagging"] == n
    assert set(calls) <= {"HeadObject", "GetObject", "PutObjectRetention", "PutObjectTagging"}


def test_a_refused_filing_leaves_its_uploads_pending(api: Api, s3_store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "upload", lambda *a, **kw: s3_upload(api, *a, **kw))
    case = Case(api)
    value = case.file_input()
    value["input"]["formData"] = {}  # the application form is missing: the domain refuses
    body = api.gql(op("ApplicationFile"), value, as_="applicant-wang")
    assert body["data"]["applicationFile"]["userErrors"], body
    for material in value["input"]["materials"]:
        assert state(s3_store, material["blobKey"]) == ("pending", None, None)


def test_no_case_is_filed_when_a_file_cannot_be_locked(
    api: Api, s3_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "upload", lambda *a, **kw: s3_upload(api, *a, **kw))
    case = Case(api)
    value = case.file_input()

    def refuse(**kwargs: Any) -> None:
        raise RuntimeError("S3 unavailable")

    monkeypatch.setattr(s3_store.client, "put_object_retention", refuse)
    body = api.gql(op("ApplicationFile"), value, as_="applicant-wang")
    assert body["data"] is None or body["data"]["applicationFile"] is None
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    mine = api.gql("{ myApplications(first: 5) { edges { node { id } } } }", as_="applicant-wang")
    assert mine["data"]["myApplications"]["edges"] == []  # nothing committed without the lock


def test_a_supplement_locks_the_file_it_adds(api: Api, s3_store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "upload", lambda *a, **kw: s3_upload(api, *a, **kw))
    case = Case(api)
    missing = next(m.code for m in case.item.elements.materials if m.kind.value == "secondary")
    case.filed(skip=1).run(
        "ApplicationNoticeIssue",
        {
            "input": {
                "id": case.id,
                "entries": [{"materialCode": missing, "problem": "MISSING", "description": "未提交"}],
                "procedure": "补正",
            }
        },
        case.clerk,
    )
    upload = s3_upload(api, missing, b"supplement", as_="applicant-wang")
    assert state(s3_store, upload["blobKey"])[0] == "pending"
    case.run("ApplicationSupplement", {"input": {"id": case.id, "materials": [upload]}}, "applicant-wang")
    assert state(s3_store, upload["blobKey"])[:2] == ("cited", "GOVERNANCE")
