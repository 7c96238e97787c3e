"""Shared helpers: the benchmark environment, API Gateway events, statistics and the RATIO lines.

Machines are noisy (the reference machine has 2 cores), so no absolute time is a headline: every
figure is the median of a measured thing divided by the median of a floor measured in the same run,
with the two interleaved so that drift hits both alike.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "cn-north-1"
TABLE = "uap-bench-main"

# Fake credentials (nothing may ever reach a real AWS account) and a production-like stage:
# not "local", so no introspection and no field suggestions, as in the deployed API.
BENCH_ENV: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "UAP_STAGE": "bench",
    "UAP_TABLE_NAME": TABLE,
}
# Never inherited: an endpoint would point the model away from moto (or at a real server).
DROPPED_ENV = ("UAP_DYNAMODB_ENDPOINT", "AWS_PROFILE", "AWS_REGION", "PYTHONPROFILEIMPORTTIME")


def bench_environ() -> dict[str, str]:
    """The environment for benchmark subprocesses: ours plus the bench settings."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(BENCH_ENV)
    return env


@contextmanager
def bench_env() -> Iterator[None]:
    """Set the bench environment in this process and restore the previous one afterwards."""
    from chalicelib.config import get_settings

    saved = {name: os.environ.get(name) for name in (*BENCH_ENV, *DROPPED_ENV)}
    for name in DROPPED_ENV:
        os.environ.pop(name, None)
    os.environ.update(BENCH_ENV)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def api_gateway_event(
    query: str, variables: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """A REST API (proxy integration) event for `POST /graphql`, as Lambda hands it to Chalice."""
    body = json.dumps({"query": query, "variables": variables or {}}, ensure_ascii=False)
    all_headers = {"content-type": "application/json", "accept": "application/json", **(headers or {})}
    return {
        "resource": "/graphql",
        "path": "/graphql",
        "httpMethod": "POST",
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"resourcePath": "/graphql", "httpMethod": "POST", "path": "/api/graphql", "stage": "api"},
        "body": body,
        "isBase64Encoded": False,
    }


@dataclass(frozen=True)
class Stats:
    """Median and quartiles of a sample, in seconds."""

    median: float
    q1: float
    q3: float
    n: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        if not samples:
            raise ValueError("no samples")
        if len(samples) < 4:
            return cls(statistics.median(samples), min(samples), max(samples), len(samples))
        q1, _, q3 = statistics.quantiles(samples, n=4)
        return cls(statistics.median(samples), q1, q3, len(samples))

    def describe(self) -> str:
        spread = "IQR" if self.n >= 4 else "range"
        return f"median {ms(self.median)}  ({spread} {ms(self.q1)}-{ms(self.q3)}, n={self.n})"


@dataclass(frozen=True)
class Figure:
    """One headline: the median of a measurement as a multiple of the median of its floor."""

    name: str
    value: float
    floor: float
    meaning: str
    floor_meaning: str

    @property
    def ratio(self) -> float:
        return self.value / self.floor

    def line(self) -> str:
        return f"RATIO {self.name:<38} {self.ratio:6.2f}x   ({ms(self.value)} / floor {ms(self.floor)})"


def row(label: str, stats: Stats) -> str:
    """One aligned line of absolute figures."""
    return f"  {label:<52} {stats.describe()}"


def ms(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.3f} ms"
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    return f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, {sys.platform}"


def print_figures(figures: Sequence[Figure]) -> None:
    for figure in figures:
        print(figure.line())


# --- DynamoDB Local holding the seed, served by the view a warm Lambda runs ---------------------------


@dataclass
class RequestCount:
    """DynamoDB calls by API operation during a `counting()` block."""

    calls: dict[str, int]

    def total(self) -> int:
        return sum(self.calls.values())

    def describe(self) -> str:
        parts = " ".join(f"{k}={v}" for k, v in sorted(self.calls.items()))
        return f"{parts} (total {self.total()})"


@contextmanager
def counting() -> Iterator[RequestCount]:
    """Count DynamoDB calls by API operation (the hook of the `ddb_calls` test fixture)."""
    from pynamodb.connection.base import Connection

    counter = RequestCount({})
    original = Connection._make_api_call

    def counted(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        counter.calls[operation_name] = counter.calls.get(operation_name, 0) + 1
        return original(self, operation_name, operation_kwargs)

    Connection._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]


@contextmanager
def local_stack() -> Iterator[tuple[Any, str]]:
    """DynamoDB Local (in memory) holding the seed; the model points back where it was after."""
    from chalicelib.storage.tables import Record, configure, create_table
    from infra.local_stack import start_dynamodb_local
    from infra.seed import apply, load

    saved = (Record.Meta.table_name, Record.Meta.host, getattr(Record.Meta, "region", None))
    with bench_env(), start_dynamodb_local(None) as server:
        print(f"DynamoDB server: {server.kind} at {server.endpoint}")
        configure(TABLE, server.endpoint, REGION)
        try:
            create_table()
            seed = load()
            apply(seed)
            yield seed, server.endpoint
        finally:
            configure(saved[0], saved[1], saved[2] or REGION)


@dataclass
class SeededApi:
    """The seed on DynamoDB Local behind the view, and what a client needs to call it."""

    seed: Any
    endpoint: str
    call: Any  # bench.request.make_call("view"): event -> (status, body)
    private_pem: bytes

    def headers(self, person_id: str) -> dict[str, str]:
        """A seeded person's bearer token, signed by this run's throw-away issuer key."""
        from bench import lifecycle

        return lifecycle._headers(self.seed, self.private_pem, person_id)


@contextmanager
def seeded_api(name: str) -> Iterator[SeededApi]:
    """`local_stack()` served through `graphql_response` as a warm Lambda runs it (bench.volume and
    bench.round_trips): a throw-away token issuer, local blob storage in a temporary directory, and
    the per-process caches held warm (staff standing, working-day calendar, centre hierarchy)."""
    import tempfile

    from bench import lifecycle
    from bench.request import make_call
    from infra import local_issuer

    with local_stack() as (seed, endpoint), tempfile.TemporaryDirectory(prefix=f"uap-bench-{name}-") as tmp:
        private_path, public_path = local_issuer.ensure_keypair(Path(tmp) / "issuer")
        env = {
            "UAP_JWT_ISSUER": lifecycle.ISSUER,
            "UAP_JWT_AUDIENCE": lifecycle.AUDIENCE,
            "UAP_JWT_KEYS": public_path.read_text(),
            "UAP_BLOB_BACKEND": "local",
            "UAP_BLOB_DIR": str(Path(tmp) / "blobs"),
            "UAP_BLOB_SECRET": f"bench-{name}-upload-secret",
        }
        with lifecycle.extra_env(env), lifecycle._warm_staff_standing(seed), lifecycle._held_calendar():
            yield SeededApi(seed, endpoint, make_call("view"), private_path.read_bytes())
