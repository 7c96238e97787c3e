"""Per-request cost of a catalogue page of 50 items, against a trivial query through the same view.

Both requests go through the production path of a warm Lambda: an API Gateway event becomes a
`chalice.app.Request` and `graphql_response` answers it (`--entry handler` goes through the whole
Chalice handler, `app.app(event, context)`, instead). DynamoDB is moto, holding the real seed plus
filler items up to 60, the same fill as tests/e2e/test_request_counts.py.

Floor: `{ __typename }` through the same view in the same run: JSON parsing, the anonymous
principal, strawberry execution with all the schema's extensions, JSON encoding; no DynamoDB.

moto answers in-process, so its time is not DynamoDB's. Two extra ratios therefore subtract,
per request, (a) the time spent inside moto's request handler (what a real DynamoDB would replace
with network latency; botocore's client-side work stays in), and (b) all time spent inside
PynamoDB's `Connection._make_api_call` (botocore + moto: only our code, strawberry and PynamoDB's
model layer remain).

    python -m bench.request [--quick] [-n 200] [--entry view|handler] [--profile 50]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from time import perf_counter, process_time
from typing import Any

from bench._common import REGION, TABLE, Figure, Stats, api_gateway_event, bench_env, machine, print_figures, row

PAGE = """query($first: Int) { serviceItems(first: $first) {
  edges { node { code name materials { name } department { name } coReviewers { department { name } } centres { name } } }
  pageInfo { hasNextPage endCursor } } }"""
TRIVIAL = "{ __typename }"
TOTAL_ITEMS = 60
PAGE_SIZE = 50
SMALL_PAGE = 10

Event = dict[str, Any]
Call = Callable[[Event], tuple[int, str]]


@dataclass
class DdbMeter:
    """DynamoDB requests by operation, and the time spent in the client and in moto (wall), and the
    process CPU time spent in the client (`client_cpu_s`: what bench.warm subtracts)."""

    calls: Counter[str] = field(default_factory=Counter)
    client_s: float = 0.0
    moto_s: float = 0.0
    client_cpu_s: float = 0.0

    def reset(self) -> None:
        self.calls.clear()
        self.client_s = self.moto_s = self.client_cpu_s = 0.0


@contextmanager
def metered() -> Iterator[DdbMeter]:
    """Count and time DynamoDB calls (the same hook as the `ddb_calls` fixture in tests/conftest.py)."""
    from moto.core.botocore_stubber import BotocoreStubber
    from pynamodb.connection.base import Connection

    from chalicelib.storage._pynamodb_seam import ApiCall, wrapped_api_calls

    meter = DdbMeter()
    original_stub = BotocoreStubber.__call__

    def counting(original_call: ApiCall) -> ApiCall:
        def call(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            meter.calls[operation_name] += 1
            start, cpu = perf_counter(), process_time()
            try:
                return original_call(self, operation_name, operation_kwargs)
            finally:
                meter.client_cpu_s += process_time() - cpu
                meter.client_s += perf_counter() - start

        return call

    def stub(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        start = perf_counter()
        try:
            return original_stub(self, event_name, request, **kwargs)
        finally:
            meter.moto_s += perf_counter() - start

    with wrapped_api_calls(counting):
        BotocoreStubber.__call__ = stub  # type: ignore[method-assign]
        try:
            yield meter
        finally:
            BotocoreStubber.__call__ = original_stub  # type: ignore[method-assign]


def fill_catalogue(seed: Any, total: int) -> int:
    """Add copies of a seeded item (one with co-reviewers) until the catalogue holds `total`."""
    from chalicelib.domain.identity import Principal, Role
    from chalicelib.services import catalogue as service
    from chalicelib.services.catalogue import CatalogueChange
    from chalicelib.storage.catalogue_repository import CatalogueRepository

    # a city administrator: catalogue changes are scoped to the administrator's centre subtree
    admin = Principal("bench-admin", frozenset({Role.ADMIN}), department_id="city-service-office", centre_id="zs-city")
    repo = CatalogueRepository()
    template = next(i for i in seed.items if i.elements.co_reviewers)
    missing = max(0, total - len(seed.items))
    for n in range(missing):
        elements = replace(template.elements, name=f"批量事项{n:03d}")
        service.create_item(repo, admin, f"ZS-BULK-{n:03d}", elements, CatalogueChange("批量导入"))
    return len(seed.items) + missing


@contextmanager
def catalogue_in_moto(total: int = TOTAL_ITEMS) -> Iterator[int]:
    """moto DynamoDB with the real seed plus filler items; restores env and model settings after."""
    from moto import mock_aws

    from chalicelib.storage.tables import Record, configure, create_table
    from infra.seed import apply, load

    saved = (Record.Meta.table_name, Record.Meta.host, getattr(Record.Meta, "region", None))
    with bench_env(), mock_aws():
        configure(TABLE, None, REGION)
        try:
            create_table()
            seed = load()
            apply(seed)
            yield fill_catalogue(seed, total)
        finally:
            configure(*saved)


def make_call(entry: str) -> Call:
    """The function a warm Lambda runs per request: the view (default) or the whole handler."""
    if entry == "handler":
        from app import app

        def handler(event: Event) -> tuple[int, str]:
            response = app(event, None)
            return response["statusCode"], response["body"]

        return handler

    from chalice.app import Request

    from chalicelib.api.view import graphql_response

    def view(event: Event) -> tuple[int, str]:
        response = graphql_response(Request(event))  # as app.py calls it: settings from get_settings()
        return response.status_code, response.body

    return view


def check(call: Call, event: Event, edges: int | None) -> dict[str, Any]:
    status, body = call(event)
    payload = json.loads(body)
    if status != 200 or payload.get("errors"):
        raise RuntimeError(f"unexpected response {status}: {body[:500]}")
    if edges is not None and len(payload["data"]["serviceItems"]["edges"]) != edges:
        raise RuntimeError(f"expected {edges} items, got {len(payload['data']['serviceItems']['edges'])}")
    return dict(payload)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.request", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 samples: a smoke run, not a measurement")
    parser.add_argument("-n", "--repeat", type=int, default=None, help="samples of each (default 200, quick 20)")
    parser.add_argument("--entry", choices=["view", "handler"], default="view", help="what a request goes through")
    parser.add_argument("--profile", type=int, default=0, metavar="K", help="then cProfile K page requests")
    return parser.parse_args(argv)


def _package(filename: str) -> str:
    """Who owns a profiled function: a third-party distribution, our code, or the standard library."""
    path = filename.replace("\\", "/")
    if "/site-packages/" in path:
        return path.split("/site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    for ours in ("chalicelib", "bench", "infra"):
        if f"/{ours}/" in path:
            return ours
    if path.startswith(("~", "<")):
        return "builtins"
    return "stdlib"


def _profile(call: Call, event: Event, count: int) -> str:
    """cProfile `count` page requests: self time by package, then the top functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        call(event)
    profiler.disable()
    stats = pstats.Stats(profiler)
    by_package: Counter[str] = Counter()
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        by_package[_package(filename)] += tottime
    total = sum(by_package.values()) or 1.0
    lines = [f"\n--- cProfile of {count} page requests (profiler overhead inflates times ~3x) ---"]
    lines.append("self time by package:")
    lines += [f"  {share / total:6.1%}  {name}" for name, share in by_package.most_common(12)]
    for sort in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(20)
        lines.append(f"top 20 functions by {sort}:")
        lines.append(out.getvalue().split("\n\n", 2)[-1].rstrip())
    return "\n".join(lines)


def run(args: argparse.Namespace) -> list[Figure]:
    repeat = args.repeat or (20 if args.quick else 200)
    warmup = max(5, repeat // 10)
    page = api_gateway_event(PAGE, {"first": PAGE_SIZE})
    small = api_gateway_event(PAGE, {"first": SMALL_PAGE})
    trivial = api_gateway_event(TRIVIAL)
    print(f"request: {repeat} interleaved samples each after {warmup} warm-up, entry={args.entry}; {machine()}")
    with catalogue_in_moto() as items, metered() as meter:
        call = make_call(args.entry)
        check(call, trivial, None)
        check(call, page, PAGE_SIZE)
        counts: dict[int, dict[str, int]] = {}
        for first, event in ((PAGE_SIZE, page), (SMALL_PAGE, small)):
            meter.reset()
            check(call, event, first)
            counts[first] = dict(sorted(meter.calls.items()))
        meter.reset()
        check(call, trivial, None)
        if meter.calls:
            raise RuntimeError(f"the trivial query made DynamoDB calls: {dict(meter.calls)}")

        for _ in range(warmup):
            call(trivial)
            call(page)
        floor: list[float] = []
        wall: list[float] = []
        no_moto: list[float] = []
        no_client: list[float] = []
        moto_share: list[float] = []
        gc.collect()
        for i in range(repeat):
            for which in ("trivial", "page") if i % 2 == 0 else ("page", "trivial"):
                meter.reset()
                start = perf_counter()
                call(trivial if which == "trivial" else page)
                elapsed = perf_counter() - start
                if which == "trivial":
                    floor.append(elapsed)
                else:
                    wall.append(elapsed)
                    no_moto.append(elapsed - meter.moto_s)
                    no_client.append(elapsed - meter.client_s)
                    moto_share.append(meter.moto_s / elapsed)
        profile = _profile(call, page, args.profile) if args.profile else ""

    s_floor, s_wall, s_no_moto, s_no_client = (Stats.of(x) for x in (floor, wall, no_moto, no_client))
    print(
        f"  catalogue: {items} items in moto DynamoDB; page = {PAGE_SIZE} items with department, co-reviewers, centres"
    )
    for first, ops in counts.items():
        detail = " ".join(f"{op}={n}" for op, n in ops.items())
        print(f"DDB_REQUESTS first={first}: {detail} (total {sum(ops.values())})")
    print(f"DDB_REQUESTS constant: {'yes' if counts[PAGE_SIZE] == counts[SMALL_PAGE] else 'NO'}")
    print(row(f"floor `{TRIVIAL}`", s_floor))
    print(row(f"page of {PAGE_SIZE}", s_wall))
    print(row(f"page of {PAGE_SIZE} minus moto's handler time", s_no_moto))
    print(row(f"page of {PAGE_SIZE} minus all DynamoDB client time", s_no_client))
    print(f"  moto's share of a page request: median {Stats.of(moto_share).median:.0%}")
    if profile:
        print(profile)
    floor_meaning = f"`{TRIVIAL}` through the same view"
    return [
        Figure("request.page50", s_wall.median, s_floor.median, "catalogue page of 50, moto DynamoDB", floor_meaning),
        Figure(
            "request.page50_excl_moto",
            s_no_moto.median,
            s_floor.median,
            "catalogue page of 50 minus time inside moto's request handler",
            floor_meaning,
        ),
        Figure(
            "request.page50_excl_ddb_client",
            s_no_client.median,
            s_floor.median,
            "catalogue page of 50 minus all time inside PynamoDB Connection._make_api_call",
            floor_meaning,
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    figures = run(parse_args(argv))
    print_figures(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
