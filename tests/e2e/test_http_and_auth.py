"""Transport, tokens and GraphQL limits: every bad request gets a coded answer, never a crash."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from infra import local_issuer
from tests.conftest import Api

ITEMS = "{ serviceItems(first: 1) { edges { node { code } } } }"


def error_code(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


def other_key() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


# --- tokens ---------------------------------------------------------------------------------------


def test_valid_token_identifies_the_caller_and_scope(api: Api) -> None:
    clerk = api.staff_with("clerk")
    body = api.gql("{ me { subject roles isStaff department { id } centre { id } } }", as_=clerk)
    me = body["data"]["me"]
    assert me["subject"] == clerk and "CLERK" in me["roles"] and me["isStaff"]
    assert me["department"]["id"] and me["centre"]["id"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda api: api.token("u1", ["applicant"], now=time.time() - 7200), "TOKEN_EXPIRED"),
        (
            lambda api: local_issuer.issue(
                other_key(), "u1", ["applicant"], issuer="uap-test-issuer", audience="uap-api"
            ),
            "TOKEN_INVALID",
        ),
        (lambda api: api.token("u1", ["applicant"], audience="someone-else"), "TOKEN_AUDIENCE"),
        (lambda api: api.token("u1", ["applicant"], issuer="https://evil.example"), "TOKEN_ISSUER"),
        (lambda api: api.token("u1", ["clerk"]), "TOKEN_SCOPE"),
        (lambda api: "not.a.jwt", "TOKEN_INVALID"),
        (lambda api: api.token("u1", ["applicant"])[:-4] + "AAAA", "TOKEN_INVALID"),
    ],
)
def test_bad_tokens_get_401_with_a_code(api: Api, make: Any, code: str) -> None:
    status, body = api.post({"query": ITEMS}, token=make(api))
    assert status == 401 and error_code(body) == code, body


def test_unsigned_token_is_refused(api: Api) -> None:
    import jwt

    token = jwt.encode(
        {
            "sub": "u1",
            "iss": "uap-test-issuer",
            "aud": "uap-api",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        key=None,
        algorithm="none",
    )
    status, body = api.post({"query": ITEMS}, token=token)
    assert status == 401 and error_code(body) == "TOKEN_INVALID"


def test_anonymous_reaches_public_fields_only(api: Api) -> None:
    assert "errors" not in api.gql(ITEMS)
    assert error_code(api.gql("{ me { subject } }")) == "UNAUTHENTICATED"
    centre = api.seed.centres[0].id
    from strawberry import relay

    query = "query($id: ID!) { centre(id: $id) { name windowPosts { name backupStaffId } } }"
    variables = {"id": str(relay.GlobalID("Centre", centre))}
    assert error_code(api.gql(query, variables)) == "UNAUTHENTICATED"
    applicant = next(u.id for u in api.seed.users)
    assert error_code(api.gql(query, variables, as_=applicant)) == "FORBIDDEN"
    clerk = next(s for s in api.seed.staff if s.centre_id == centre and "clerk" in {r.value for r in s.roles})
    posts = api.gql(query, variables, as_=clerk.id)["data"]["centre"]["windowPosts"]
    assert posts and all(p["backupStaffId"] for p in posts)


def test_staff_are_scoped_to_their_centre(api: Api) -> None:
    from strawberry import relay

    city = api.seed.centres[0].id
    outsider = next(s for s in api.seed.staff if s.centre_id != city and "clerk" in {r.value for r in s.roles})
    query = "query($id: ID!) { centre(id: $id) { windowPosts { name } } }"
    variables = {"id": str(relay.GlobalID("Centre", city))}
    assert error_code(api.gql(query, variables, as_=outsider.id)) == "FORBIDDEN"
    supervisor = api.staff_with("supervisor")
    assert api.gql(query, variables, as_=supervisor)["data"]["centre"]["windowPosts"]


# --- transport ---------------------------------------------------------------------------------------


def test_batching_is_refused(api: Api) -> None:
    status, body = api.post([{"query": ITEMS}, {"query": ITEMS}])
    assert status == 400 and error_code(body) == "BATCHING_NOT_SUPPORTED"


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"{not json", 400, "BAD_REQUEST"),
        (b'{"variables": {}}', 400, "BAD_REQUEST"),
        (b'{"query": "{ __typename }", "variables": [1]}', 400, "BAD_REQUEST"),
        (json.dumps({"query": "{ __typename }", "padding": "x" * 2_200_000}).encode(), 413, "PAYLOAD_TOO_LARGE"),
    ],
)
def test_malformed_requests(api: Api, raw: bytes, status: int, code: str) -> None:
    got_status, body = api.post(None, raw=raw)
    assert got_status == status and error_code(body) == code


def test_get_is_refused_outside_the_local_stage(api: Api) -> None:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as client:
        response = client.http.get("/graphql")
    assert response.status_code == 405


# --- GraphQL limits -------------------------------------------------------------------------------


def test_depth_limit(api: Api) -> None:
    deep = "{ centres { edges { node { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } }"
    body = api.gql(deep)
    assert body["data"] is None and "depth" in body["errors"][0]["message"]


def test_alias_limit(api: Api) -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(20))
    body = api.gql("{ " + aliases + " }")
    assert body["data"] is None and "aliases" in body["errors"][0]["message"].lower()


def test_token_limit(api: Api) -> None:
    many = " ".join("__typename" for _ in range(2100))
    body = api.gql("{ " + many + " }")
    assert body["data"] is None and "token" in body["errors"][0]["message"].lower()


def test_introspection_and_suggestions_are_off_outside_local(api: Api) -> None:
    body = api.gql("{ __schema { types { name } } }")
    assert body["data"] is None and "introspection" in body["errors"][0]["message"].lower()
    body = api.gql("{ serviceItem { cod } }")
    assert all("Did you mean" not in e["message"] for e in body["errors"])


def test_unexpected_errors_are_masked_expected_ones_are_not(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.storage.catalogue_repository import CatalogueRepository

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(CatalogueRepository, "published_page", boom)
    monkeypatch.setattr(CatalogueRepository, "published_summaries", boom)  # the slim page read
    body = api.gql(ITEMS)
    assert body["errors"][0]["message"] == "服务内部错误,请稍后重试"
    assert "secret" not in json.dumps(body)
    assert error_code(api.gql("{ me { subject } }")) == "UNAUTHENTICATED"  # still answering


def test_only_unexpected_errors_are_logged_as_errors(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A wrong id or a missing permission is an answer, not a failure: no ERROR with a traceback."""
    import logging

    from chalicelib.storage.catalogue_repository import CatalogueRepository

    with caplog.at_level(logging.INFO):
        assert error_code(api.gql("{ me { subject } }")) == "UNAUTHENTICATED"
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

        def boom(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("secret internal detail")

        monkeypatch.setattr(CatalogueRepository, "published_page", boom)
        monkeypatch.setattr(CatalogueRepository, "published_summaries", boom)  # the slim page read
        api.gql(ITEMS)
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1 and "secret internal detail" in (logged[0].exc_text or logged[0].getMessage())


# --- GraphQL over HTTP (issue 16, point 2) ----------------------------------------------------------


def _raw(method: str, body: bytes | None, headers: dict[str, str], path: str = "/graphql") -> Any:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as client:
        if method == "GET":
            return client.http.get(path, headers=headers)
        return client.http.post(path, headers=headers, body=body or b"")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/graphql-response+json", "application/graphql-response+json"),
        ("application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json"),
        ("application/json, application/graphql-response+json;q=0.5", "application/json"),
        ("text/html", None),
        ("application/graphql-response+json;q=0", None),
    ],
)
def test_accept_negotiation(accept: str | None, expected: str | None) -> None:
    from chalicelib.api.view import negotiate

    assert negotiate(accept) == expected


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{", "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
        ("query($f: Int!) { serviceItems(first: $f) { edges { cursor } } }", "BAD_USER_INPUT"),
    ],
)
def test_request_errors_per_media_type(api: Api, query: str, code: str) -> None:
    body = json.dumps({"query": query}).encode()
    new = _raw("POST", body, {"Content-Type": "application/json", "Accept": "application/graphql-response+json"})
    assert new.status_code == 400 and new.headers["Content-Type"].startswith("application/graphql-response+json")
    parsed = json.loads(new.body)
    assert "data" not in parsed and parsed["errors"][0]["extensions"]["code"] == code
    old = _raw("POST", body, {"Content-Type": "application/json", "Accept": "application/json"})
    assert old.status_code == 200 and json.loads(old.body)["data"] is None
    assert json.loads(old.body)["errors"][0]["extensions"]["code"] == code


def test_field_errors_keep_200_under_graphql_response_json(api: Api) -> None:
    body = json.dumps({"query": "{ me { subject } }"}).encode()
    response = _raw("POST", body, {"Content-Type": "application/json", "Accept": "application/graphql-response+json"})
    assert response.status_code == 200 and error_code(json.loads(response.body)) == "UNAUTHENTICATED"


def test_unacceptable_accept_header_and_missing_content_type(api: Api) -> None:
    body = json.dumps({"query": "{ __typename }"}).encode()
    refused = _raw("POST", body, {"Content-Type": "application/json", "Accept": "text/html"})
    assert refused.status_code == 406 and error_code(json.loads(refused.body)) == "NOT_ACCEPTABLE"


@pytest.mark.parametrize("query", ["mutation { __typename }", "{ __typename }"])
def test_get_never_executes(api: Api, query: str) -> None:
    from urllib.parse import quote

    response = _raw("GET", None, {"Accept": "application/graphql-response+json"}, f"/graphql?query={quote(query)}")
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert error_code(json.loads(response.body)) == "METHOD_NOT_ALLOWED"
