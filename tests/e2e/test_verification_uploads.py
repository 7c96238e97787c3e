"""Verifying a certificate PDF larger than one Lambda request (issue 16, point 4): POST /verify
takes 4 MiB (Lambda's 6 MB request payload, base64) and points larger files to the presigned
path; `certificateVerificationUploadCreate` hands out a form POST bounded to 10 MiB and an opaque
upload id, `certificateVerificationUploadVerify` gives the same typed report as
`certificateVerifyUpload` and deletes the file. Public, rate-limited, not probeable.

Locally the form goes to `POST /verification-uploads/{token}` (the local folder standing in for
the S3 bucket, as for material files); tests/integration/test_verification_uploads.py holds the
S3 store to the same contract on moto.
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.certificate import mask_name
from chalicelib.domain.verification_upload import DIRECT_MAX_BYTES
from tests.conftest import Api, CallCounter
from tests.e2e.test_certificates import issued, pdf_of
from tests.flows import op
from tests.signing_bombs import signature_field_bomb

CREATE = op("CertificateVerificationUploadCreate")
VERIFY = op("CertificateVerificationUploadVerify")


def create(api: Api, as_: str | None = None) -> dict[str, Any]:
    payload = api.gql(CREATE, as_=as_)["data"]["certificateVerificationUploadCreate"]
    assert payload["userErrors"] == [], payload
    target: dict[str, Any] = payload["upload"]
    return target


def post_form(target: dict[str, Any], pdf: bytes) -> Any:
    """What a browser does with the target: a multipart form, every field, then the file."""
    import requests
    from chalice.test import Client

    from app import app

    fields = {f["name"]: f["value"] for f in target["fields"]}
    prepared = requests.Request("POST", target["url"], data=fields, files={"file": ("c.pdf", pdf)}).prepare()
    path = target["url"].split("://", 1)[1].split("/", 1)[1]
    headers = {"Content-Type": prepared.headers["Content-Type"]}
    with Client(app, stage_name="local") as client:
        return client.http.post(f"/{path}", headers=headers, body=prepared.body)


def verify(api: Api, upload_id: str, as_: str | None = None) -> dict[str, Any]:
    body = api.gql(VERIFY, {"input": {"uploadId": upload_id}}, as_=as_)
    result: dict[str, Any] = body["data"]["certificateVerificationUploadVerify"]
    return result


def uploaded_files(api: Api) -> list[Path]:
    from chalicelib.config import get_settings
    from chalicelib.storage.blobs import blob_settings

    return list((blob_settings(get_settings()).directory / "verifications").rglob("*"))


def test_a_certificate_verified_through_an_upload_gets_the_same_report(api: Api, ddb_calls: CallCounter) -> None:
    case, cert = issued(api)
    pdf = pdf_of(api, cert["id"], "applicant-wang")
    ddb_calls.reset()
    target = create(api)
    assert dict(ddb_calls.calls) == {"UpdateItem": 1}  # the caller's per-minute count
    assert target["maxBytes"] == 10 * 1024 * 1024 and len(target["uploadId"]) == 26
    assert {"name": "Content-Type", "value": "application/pdf"} in target["fields"]
    response = post_form(target, pdf)
    assert response.status_code == 204, response.body
    ddb_calls.reset()
    result = verify(api, target["uploadId"])
    verify_calls = dict(ddb_calls.calls)
    assert result["userErrors"] == []
    verification = result["verification"]
    assert (verification["valid"], verification["sealValid"], verification["registryMatch"]) == (True, True, True)
    assert verification["status"] == "VALID" and verification["report"]["indication"] == "PASSED"
    assert verification["certificate"]["number"] == cert["number"]
    assert verification["certificate"]["holderName"] == mask_name("王海燕")
    # The same typed report certificateVerifyUpload gives for the same file.
    direct = api.gql(op("CertificateVerifyUpload"), {"pdfBase64": base64.b64encode(pdf).decode()})
    assert direct["data"]["certificateVerifyUpload"] == verification
    assert "王海燕" not in json.dumps(result, ensure_ascii=False)  # nothing personal
    # The rate limit, the registry lookup by hash, the verification log line: nothing per page or field.
    assert verify_calls == {"UpdateItem": 1, "GetItem": 2, "PutItem": 1}
    assert [p for p in uploaded_files(api) if p.is_file()] == []  # deleted once verified
    again = verify(api, target["uploadId"])  # verified once: then it is gone
    assert again["verification"] is None and again["userErrors"][0]["code"] == "NOT_FOUND"
    log = api.gql(
        "query($id: ID!) { certificate(id: $id) { verifications { nodes { channel indication } } } }",
        {"id": cert["id"]},
        as_=case.staff("bureau"),
    )["data"]["certificate"]["verifications"]["nodes"]
    assert {"channel": "PRESIGNED_UPLOAD", "indication": "PASSED"} in log


def test_a_10_mb_signature_field_bomb_through_the_upload_answers_within_a_second(api: Api) -> None:
    bomb = signature_field_bomb(fields=30_000, target_bytes=10 * 1024 * 1024 - 4096)
    target = create(api)
    assert post_form(target, bomb).status_code == 204
    started = time.perf_counter()
    result = verify(api, target["uploadId"])
    elapsed = time.perf_counter() - started
    report = result["verification"]["report"]
    assert result["verification"]["valid"] is False and report["indication"] in {"FAILED", "INDETERMINATE"}
    assert report["findings"][0]["code"] == "PDF_TOO_COMPLEX"
    assert elapsed < 1.0, elapsed


def test_unknown_expired_malformed_and_other_callers_uploads_all_answer_not_found(api: Api) -> None:
    mine = create(api, as_="applicant-wang")
    assert post_form(mine, b"%PDF-1.7\n%%EOF\n").status_code == 204
    answers = [
        verify(api, mine["uploadId"], as_="applicant-zhou"),  # someone else's id
        verify(api, mine["uploadId"]),  # anonymous: also someone else
        verify(api, "a" * 26, as_="applicant-wang"),  # well-formed, never issued
        verify(api, "../../etc/passwd", as_="applicant-wang"),  # malformed
        verify(api, "", as_="applicant-wang"),
    ]
    unposted = create(api, as_="applicant-wang")  # issued but nothing uploaded
    answers.append(verify(api, unposted["uploadId"], as_="applicant-wang"))
    for answer in answers:
        assert answer["verification"] is None
        assert answer["userErrors"] == [
            {"field": "uploadId", "code": "NOT_FOUND", "message": answers[0]["userErrors"][0]["message"]}
        ]
    # Uploaded more than a day ago (the bucket's rule may run late): the same answer, and it is removed.
    (stored,) = [p for p in uploaded_files(api) if p.is_file()]
    old = time.time() - 2 * 86400
    os.utime(stored, (old, old))
    expired = verify(api, mine["uploadId"], as_="applicant-wang")
    assert expired["userErrors"][0]["code"] == "NOT_FOUND" and not stored.exists()


def test_creating_uploads_is_rate_limited(api: Api) -> None:
    from chalicelib.config import get_settings

    limit = get_settings().public_lookups_per_minute
    for _ in range(limit):
        create(api, as_="applicant-zhou")
    refused = api.gql(CREATE, as_="applicant-zhou")["data"]["certificateVerificationUploadCreate"]
    assert refused["upload"] is None and refused["userErrors"][0]["code"] == "RATE_LIMITED"
    assert create(api, as_="applicant-wang")["uploadId"]  # per caller


@pytest.mark.parametrize(
    ("mutate", "status", "code"),
    [
        (lambda t: {**t, "url": t["url"][:-3] + "xyz"}, 403, "UPLOAD_TOKEN_INVALID"),
        (lambda t: {**t, "fields": []}, 400, "UPLOAD_INVALID"),
    ],
)
def test_the_local_upload_route_enforces_its_token(api: Api, mutate: Any, status: int, code: str) -> None:
    response = post_form(mutate(create(api)), b"%PDF-1.7\n%%EOF\n")
    assert response.status_code == status and json.loads(response.body)["error"]["code"] == code


def test_post_verify_takes_what_fits_a_lambda_request_and_points_larger_files_to_the_upload(api: Api) -> None:
    from chalice.test import Client

    from app import app

    fits = signature_field_bomb(fields=2_000, target_bytes=DIRECT_MAX_BYTES - 4096)
    too_large = b"%PDF-1.7\n" + b"0" * DIRECT_MAX_BYTES
    assert len(base64.b64encode(fits)) < 6 * 1000 * 1000 - 64 * 1024  # room for the event around it
    with Client(app, stage_name="local") as client:
        ok = client.http.post("/verify?reasonForUse=bank-kyc", headers={"Content-Type": "application/pdf"}, body=fits)
        refused = client.http.post(
            "/verify?reasonForUse=bank-kyc", headers={"Content-Type": "application/pdf"}, body=too_large
        )
    assert ok.status_code == 200 and json.loads(ok.body)["report"]["findings"][0]["code"] == "PDF_TOO_COMPLEX"
    assert refused.status_code == 413
    error = json.loads(refused.body)["error"]
    assert error["code"] == "USE_PRESIGNED_UPLOAD" and error["presignedUpload"] == "certificateVerificationUploadCreate"
    assert "certificateVerificationUploadCreate" in error["message"] and error["maxBytes"] == DIRECT_MAX_BYTES
