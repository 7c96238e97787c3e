"""One local stack (`python -m infra.local_stack up`: DynamoDB Local, seed, `chalice local`) per
test module, for the tests that talk HTTP to the real local server: the GraphQL-over-HTTP audit,
the fuzzing run and GraphiQL in headless Chromium. Killed in `finally`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local_stack import ROOT, free_port, stop_process, wait_for_http

DYNAMO = ("--dynamodb-port", "0")


@pytest.fixture(scope="module")
def local_api(local_stack: tuple[str, Path]) -> str:
    """The local stack's `/graphql` URL."""
    return local_stack[0]


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The local stack's `/graphql` URL and its data folder."""
    folder = tmp_path_factory.mktemp("stack")
    port = free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    log_path: Path = folder / "up.log"
    with log_path.open("wb") as log:
        up = subprocess.Popen(
            [sys.executable, "-m", "infra.local_stack", "--data", str(folder), "up", "--port", str(port), *DYNAMO],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        try:
            wait_for_http(url, 60, up)
        except Exception:
            pytest.fail(f"local stack did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        yield url, folder
    finally:
        stop_process(up, timeout=15)
