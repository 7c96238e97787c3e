"""Round trips of the front ends' read operations on DynamoDB Local, against bare boto3 round trips.

Issue 14 point 1: one DynamoDB round trip costs more than the whole Python cost of most
operations, so each operation should make the fewest requests its data needs. This bench starts
DynamoDB Local in memory (moto_server when Java is missing, said loudly), seeds the real
catalogue, drives one case to approval through the API and then measures, warm, through the
same view a Lambda runs (`api/view.py graphql_response`):

- `ApplicationDetail`, `ServiceItemDetail`, `CatalogueBrowse` (first 20), `Inbox` (REVIEW, first 20),
  the client operations in `graphql/operations/`, each with the caller the front end sends.

Floor: for an operation that makes k DynamoDB requests, k sequential bare boto3 `GetItem`s of one
small seeded record (the centre `CENTRE#zs-city`) on the same server, measured right after
every sample of the operation (interleaved, so drift hits both alike). A ratio near 1 means the
operation costs its round trips and little else; the request count itself is the target (printed
as `TARGET ... met / NOT met`) and is counted in every sample; it must not change between samples.

    python -m bench.round_trips [--quick] [-n 40]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from time import perf_counter
from typing import Any

from bench._common import (
    REGION,
    TABLE,
    Figure,
    RequestCount,
    SeededApi,
    Stats,
    api_gateway_event,
    counting,
    local_stack,  # noqa: F401  (bench/cold_start.py imports it from here)
    machine,
    print_figures,
    row,
    seeded_api,
)

# operation -> (request target from issue 14, requests before issue 14)
TARGETS: dict[str, tuple[int, int]] = {
    "ApplicationDetail": (2, 5),
    "ServiceItemDetail": (2, 4),
    "CatalogueBrowse": (2, 3),
    "Inbox": (1, 1),
}
ITEM = "ZS-ZRZY-001"


def _approved_case(api: SeededApi) -> Any:
    """One joint case filed, accepted, reviewed and approved through the API (bench.lifecycle's steps),
    and a second one accepted only, so the lead reviewer's REVIEW worklist has an entry."""
    from bench import lifecycle

    people = {lifecycle.APPLICANT, lifecycle.CLERK, lifecycle.LEAD_REVIEWER, *lifecycle.CO_REVIEWERS}
    headers = {p: api.headers(p) for p in people | {lifecycle.APPROVER}}
    from tests.forms import answers

    seed, call = api.seed, api.call
    form = answers(next(i for i in seed.items if i.code == ITEM).elements.form)
    stack = lifecycle.Stack(call, headers, lifecycle._upload_materials(seed, call, headers[lifecycle.APPLICANT]), form)
    case_gid = None
    for step in lifecycle.STEPS:
        result = lifecycle._ok(call, lifecycle.step_event(stack, step, case_gid), step.field)
        case_gid = result["application"]["id"]
    waiting: str | None = None
    for step in lifecycle.STEPS[:2]:  # a second case waiting for review
        waiting = lifecycle._ok(call, lifecycle.step_event(stack, step, waiting), step.field)["application"]["id"]
    return case_gid, headers


def operations(case_gid: str, headers: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
    from strawberry import relay

    from bench import lifecycle
    from tests.flows import op

    item = str(relay.GlobalID("ServiceItem", ITEM))
    return {
        "ApplicationDetail": api_gateway_event(op("ApplicationDetail"), {"id": case_gid}, headers[lifecycle.APPLICANT]),
        "ServiceItemDetail": api_gateway_event(op("ServiceItemDetail"), {"id": item}),
        "CatalogueBrowse": api_gateway_event(op("CatalogueBrowse"), {"first": 20}),
        "Inbox": api_gateway_event(op("Inbox"), {"queue": "REVIEW", "first": 20}, headers[lifecycle.LEAD_REVIEWER]),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.round_trips", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 samples: a smoke run, not a measurement")
    parser.add_argument("-n", "--repeat", type=int, default=None, help="samples per operation (default 40, quick 3)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> list[Figure]:
    import boto3

    repeat = args.repeat or (3 if args.quick else 40)
    print(f"round_trips: {repeat} samples per operation, each followed by its floor; {machine()}")
    figures: list[Figure] = []
    with seeded_api("trips") as api:
        call = api.call
        case_gid, headers = _approved_case(api)
        events = operations(case_gid, headers)
        client = boto3.client("dynamodb", endpoint_url=api.endpoint, region_name=REGION)
        key = {"PK": {"S": "CENTRE#zs-city"}, "SK": {"S": "#"}}

        def floor(k: int) -> float:
            start = perf_counter()
            for _ in range(k):
                client.get_item(TableName=TABLE, Key=key)
            return perf_counter() - start

        for name, event in events.items():
            with counting() as counter:
                status, body = call(event)  # warm-up, and the request count
            answer = json.loads(body)
            if status != 200 or answer.get("errors"):
                raise RuntimeError(f"{name} failed: {status} {body[:500]}")
            (root,) = answer["data"].values()
            if not root or ("edges" in root and not root["edges"]):  # measure real answers, not empty ones
                raise RuntimeError(f"{name} answered nothing: {body[:500]}")
            expected = dict(counter.calls)
            k = counter.total()
            floor(k)
            measured: list[float] = []
            floors: list[float] = []
            for _ in range(repeat):
                with counting() as counter:
                    start = perf_counter()
                    call(event)
                    measured.append(perf_counter() - start)
                if counter.calls != expected:
                    raise RuntimeError(f"{name}: requests changed between samples: {expected} then {counter.calls}")
                floors.append(floor(k))
            target, before = TARGETS[name]
            print(f"DDB_REQUESTS op={name}: {RequestCount(expected).describe()}")
            verdict = "met" if k <= target else "NOT met"
            print(f"TARGET round_trips.{name} requests <= {target}: {verdict} ({before} before issue 14, now {k})")
            op_stats, floor_stats = Stats.of(measured), Stats.of(floors)
            print(row(name, op_stats))
            print(row(f"floor: {k} bare boto3 GetItem", floor_stats))
            figures.append(
                Figure(
                    f"round_trips.{name}",
                    op_stats.median,
                    floor_stats.median,
                    f"{name} through the view on DynamoDB Local ({k} requests)",
                    "the same number of bare boto3 GetItem round trips on the same DynamoDB Local",
                )
            )
    print_figures(figures)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
