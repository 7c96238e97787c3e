"""The local-run tooling as a developer uses it: `python -m infra.local_stack bootstrap` and `up`.

Proves that the data folder survives a DynamoDB Local restart without duplicating the seed, and
that `chalice local` answers GraphQL against it. Every subprocess is killed in `finally`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from infra.local_stack import (
    DEMO_QUERY,
    ROOT,
    LocalDynamo,
    dynamodb_answers,
    free_port,
    stop_process,
    wait_for_http,
)


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.local_stack", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _bootstrap(data: Path) -> dict[str, Any]:
    result = _cli("--data", str(data), "bootstrap", "--json")
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def test_bootstrap_twice_keeps_data_across_restart(tmp_path: Path, dynamodb_local: LocalDynamo) -> None:
    if dynamodb_local.kind != "dynamodb-local":
        pytest.skip("no usable Java 17+: the moto_server fallback does not persist")
    first = _bootstrap(tmp_path)  # starts DynamoDB Local on tmp_path/dynamodb, seeds, stops it
    key = (tmp_path / "issuer" / "issuer-key.pem").read_bytes()
    second = _bootstrap(tmp_path)  # a new DynamoDB Local process on the same files

    assert first["persistent"] and first["table_created"] and first["items_seeded"] > 0
    assert second["table_created"] is False and second["items_seeded"] == 0
    assert second["records"] == first["records"] > first["items_seeded"]
    assert (tmp_path / "dynamodb" / "shared-local-instance.db").is_file()
    assert (tmp_path / "issuer" / "issuer-key.pem").read_bytes() == key  # tokens stay valid


def _post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_up_serves_graphql_from_chalice_local(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    log_path = tmp_path / "up.log"
    with log_path.open("wb") as log:
        up = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "infra.local_stack",
                "--data",
                str(tmp_path),
                "up",
                "--port",
                str(port),
                "--dynamodb-port",
                "0",
                "--pki-port",
                "0",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    endpoint = None
    try:
        wait_for_http(url, 90, up)  # DynamoDB Local, the seed, the PKI service, then chalice local
        started = re.search(r"up at (http://127\.0\.0\.1:\d+)", log_path.read_text())
        assert started, log_path.read_text()
        endpoint = started.group(1)

        body = _post(url, {"query": DEMO_QUERY})
        assert "errors" not in body, body
        assert len(body["data"]["serviceItems"]["edges"]) == 5
        with urllib.request.urlopen(url, timeout=10) as response:  # GET: GraphiQL (local stage)
            assert "text/html" in response.headers["Content-Type"]
            assert "GraphiQL" in response.read().decode()
        # The local PKI service (issue 13 point 6): certomancer's animator serves the CA's CRL.
        crl = (tmp_path / "pki" / "animator.url").read_text().strip() + "/uap-local/crls/root/latest.crl"
        with urllib.request.urlopen(crl, timeout=10) as response:
            assert response.status == 200 and response.read()
        assert "sealing at B-LTA" in log_path.read_text()
    finally:
        stop_process(up, timeout=15)  # SIGTERM: `up` stops chalice and DynamoDB Local itself
    assert up.returncode == 0, log_path.read_text()
    with pytest.raises(urllib.error.URLError):  # `up` stopped the PKI service too
        urllib.request.urlopen(crl, timeout=2)
    if endpoint:
        deadline = time.monotonic() + 5
        while dynamodb_answers(endpoint) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not dynamodb_answers(endpoint), "DynamoDB Local outlived `up`"
