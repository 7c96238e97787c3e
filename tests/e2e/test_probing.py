"""Issue 16, point 1: each failure found by probing the API from outside answers a coded 4xx,
keeps the process up, writes nothing and logs no traceback."""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.conftest import AUDIENCE, ISSUER, Api
from tests.flows import Case
from tests.signing_bombs import signature_field_bomb

ITEMS = "query($f: Int!) { serviceItems(first: $f) { edges { node { code } } } }"
FILE = """mutation($input: ApplicationFileInput!) { applicationFile(input: $input) {
  application { id } userErrors { code } } }"""


def code_of(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


def still_up(api: Api) -> None:
    status, body = api.post({"query": "{ __typename }"})
    assert status == 200 and body == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 100_000 + b"]}",
        b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 500 + b"]" * 500 + b"}}",
    ],
    ids=["body", "variables", "variables-parseable"],
)
def test_deeply_nested_json_is_400(api: Api, raw: bytes) -> None:
    status, body = api.post(None, raw=raw)
    assert status == 400 and code_of(body) == "JSON_TOO_DEEP", body
    still_up(api)


def _claims() -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "u1", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600}


def _rsa_pem() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, public


def test_rs256_token_against_the_ec_key_is_token_invalid(api: Api) -> None:
    """The configured key is the local issuer's EC key; an RS256 header used to crash PyJWT."""
    private, _ = _rsa_pem()
    token = jwt.encode(_claims(), private, algorithm="RS256", headers={"kid": "uap-local-1"})
    status, body = api.post({"query": "{ __typename }"}, token=token)
    assert status == 401 and code_of(body) == "TOKEN_INVALID", body
    # an HS256 token "signed" with the public key text (the classic confusion attack) too
    status, body = api.post({"query": "{ __typename }"}, token=jwt.encode(_claims(), "x" * 32, algorithm="HS256"))
    assert status == 401 and code_of(body) == "TOKEN_INVALID"
    still_up(api)


def test_es256_token_against_rsa_keys_is_token_invalid(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    private, public = _rsa_pem()
    monkeypatch.setenv("UAP_JWT_KEYS", public.decode())
    get_settings.cache_clear()
    get_settings()  # cached now: the test client's stage variables must not replace it
    ec_key = ec.generate_private_key(ec.SECP256R1())
    status, body = api.post({"query": "{ __typename }"}, token=jwt.encode(_claims(), ec_key, algorithm="ES256"))
    assert status == 401 and code_of(body) == "TOKEN_INVALID", body
    good = jwt.encode({**_claims(), "cognito:groups": ["applicant"]}, private, algorithm="RS256")
    status, body = api.post({"query": "{ me { subject } }"}, token=good)
    assert status == 200 and body["data"]["me"]["subject"] == "u1"  # RSA keys still verify RS256


@pytest.mark.parametrize("raw", [b'{"query": ""}', b'{"query": "   "}', b"{}", b'{"variables": {}}', b""])
def test_empty_or_missing_query_is_400_with_a_code(api: Api, raw: bytes) -> None:
    status, body = api.post(None, raw=raw)
    assert status == 400 and code_of(body) == "BAD_REQUEST" and body["errors"][0]["message"], body


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (ITEMS, {"f": "many"}),  # wrong type
        (ITEMS, {}),  # missing required variable
        (FILE, {"input": {"itemCode": "ZS-SCJG-004", "noSuchField": 1}}),  # unknown input field
    ],
    ids=["wrong-type", "missing", "unknown-input-field"],
)
def test_variable_coercion_failures_are_client_errors(
    api: Api, caplog: pytest.LogCaptureFixture, query: str, variables: dict[str, Any]
) -> None:
    applicant = next(u.id for u in api.seed.users)
    with caplog.at_level(logging.INFO):
        body = api.gql(query, variables, as_=applicant)
    assert body["data"] is None and code_of(body) == "BAD_USER_INPUT", body
    assert "服务内部错误" not in json.dumps(body, ensure_ascii=False)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize(
    "query",
    [
        "{ ...Nope }",
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        "query { ...A } fragment A on Query { __typename ...A }",
    ],
    ids=["unknown", "cycle", "self"],
)
def test_broken_fragments_are_coded_validation_errors(api: Api, query: str) -> None:
    body = api.gql(query)
    assert body["data"] is None and code_of(body) == "GRAPHQL_VALIDATION_FAILED", body
    assert "Nope'" not in body["errors"][0]["message"] or "Unknown fragment" in body["errors"][0]["message"]
    still_up(api)


def test_several_operations_need_an_operation_name(api: Api) -> None:
    document = "query A { __typename } query B { serviceItems(first: 1) { edges { cursor } } }"
    body = api.gql(document)
    assert body["data"] is None and code_of(body) == "OPERATION_NAME_REQUIRED", body
    status, named = api.post({"query": document, "operationName": "A"})
    assert status == 200 and named == {"data": {"__typename": "Query"}}
    status, unknown = api.post({"query": document, "operationName": "C"})
    assert status == 400 and code_of(unknown) == "BAD_REQUEST" and "C" in unknown["errors"][0]["message"]


def test_a_signature_field_bomb_is_refused_within_a_second(api: Api) -> None:
    """A 10 MB file with 30,000 filled signature fields took 14 s (30 s+ in Lambda) to verify.
    POST /verify now takes what fits one Lambda request (4 MiB); the 10 MB file goes through the
    presigned upload (tests/e2e/test_verification_uploads.py), bounded the same way."""
    from chalice.test import Client

    from app import app

    bomb = signature_field_bomb(fields=12_000, target_bytes=4 * 1024 * 1024 - 4096)
    assert len(bomb) <= 4 * 1024 * 1024
    with Client(app, stage_name="local") as client:
        started = time.perf_counter()
        response = client.http.post(
            "/verify?reasonForUse=bank-kyc", headers={"Content-Type": "application/pdf"}, body=bomb
        )
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.body
    result = json.loads(response.body)
    assert result["valid"] is False and result["report"]["indication"] in {"FAILED", "INDETERMINATE"}
    assert result["report"]["findings"][0]["code"] == "PDF_TOO_COMPLEX"
    assert elapsed < 1.0, elapsed


def test_the_graphql_upload_is_bounded_the_same_way(api: Api) -> None:
    bomb = signature_field_bomb(fields=5_000, target_bytes=1_400_000)
    query = """query($pdf: String!) { certificateVerifyUpload(pdfBase64: $pdf) {
      valid report { indication findings { code } } } }"""
    started = time.perf_counter()
    body = api.gql(query, {"pdf": base64.b64encode(bomb).decode()})
    elapsed = time.perf_counter() - started
    upload = body["data"]["certificateVerifyUpload"]
    assert upload["valid"] is False and upload["report"]["indication"] == "FAILED"
    assert upload["report"]["findings"][0]["code"] == "PDF_TOO_COMPLEX"
    assert elapsed < 1.0, elapsed


def test_lead_department_sees_a_case_only_once_it_has_a_task(api: Api) -> None:
    """A SUBMITTED case (the applicant's ID number included) stays with the window until it is
    accepted and the lead department's review task exists."""
    read = "query($id: ID!) { application(id: $id) { state applicant { identifier } } }"
    case = Case(api).filed()
    for person in (case.reviewer, case.approver):
        body = api.gql(read, {"id": case.id}, as_=person)
        assert body["data"] is None and code_of(body) == "NOT_FOUND", body
        assert "330902199001011234" not in json.dumps(body)
    clerk_view = api.gql(read, {"id": case.id}, as_=case.clerk)["data"]["application"]
    assert clerk_view["state"] == "SUBMITTED"
    case.run("ApplicationAccept", {"input": {"id": case.id}}, case.clerk)
    for person in (case.reviewer, case.approver):
        assert api.gql(read, {"id": case.id}, as_=person)["data"]["application"]["state"] != "SUBMITTED"


def test_revoking_an_agent_with_an_empty_id_is_not_found(api: Api) -> None:
    """Found by the schemathesis run (tests/http/test_fuzzing.py): an empty agentId reached
    DynamoDB as an empty key and came back as a masked internal error."""
    revoke = """mutation { agentAuthorisationRevoke(input: { agentId: "  " }) {
      authorisation { agentId } userErrors { field code } } }"""
    body = api.gql(revoke, as_=next(u.id for u in api.seed.users))
    assert body["data"]["agentAuthorisationRevoke"]["userErrors"] == [{"field": "agentId", "code": "NOT_FOUND"}]
