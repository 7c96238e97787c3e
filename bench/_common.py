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
