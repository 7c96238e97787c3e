"""Warm Python cost of the four front-end reads, against a bare strawberry schema of the same shape.

Issue 14 point 3. Four client operations from `graphql/operations/`, each with the caller the
front end sends:

- `catalogue_page`: `CatalogueBrowse` (first 50), anonymous;
- `item_detail`: `ServiceItemDetail` (ZS-ZRZY-001, history 20), anonymous;
- `application_detail`: `ApplicationDetail` of an approved joint case, its applicant;
- `inbox_page`: `Inbox` (REVIEW, first 50) of the lead reviewer, with 50 cases waiting.

Each goes through the production path of a warm Lambda (API Gateway event -> `chalice.app.Request`
-> `graphql_response`, as bench/request.py) on moto holding the real seed plus filler items up to
60; the cases are filed and accepted through the API. The figure is the process **CPU time minus the
CPU time inside PynamoDB's `Connection._make_api_call`** (botocore + moto), against the floor's CPU
time, with the samples' read requests answered from moto's own recorded answers (`Replay`: the same
requests, counted, the same answer checked; moto's ~35 ms of in-process work per request made our
code run ~25% slower around it, bench/README "Application detail, last pass"; the figure with moto
answering live is printed too, not used). Not wall time: a sample of ours lasts ~80 ms because of moto and is preempted throughout on a
shared machine, while the floor's ~2 ms sample mostly runs within one time slice, so wall time
charged us the other processes' share (bench/README "The wall-vs-CPU gap"). Wall figures are printed
too, not used.

Floor [6]: `bench.bare.build_floor`: a bare strawberry schema with exactly the fields the operation
selects, answering from plain objects that hold our own answer (checked equal), with strawberry's
ParserCache and ValidationCache, wrapped in JSON parsing of the body and JSON encoding of the answer.
No DynamoDB in the floor, so nothing to exclude. Measurement and floor alternate; medians.

    python -m bench.warm [--quick] [-n 200] [--profile OP:K]
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import sys
from collections.abc import Sequence
from time import perf_counter, process_time
from typing import Any

from bench._common import Figure, Stats, api_gateway_event, machine, print_figures, row

TARGET = 1.5
ITEMS = 60
PAGE = 50
ITEM = "ZS-ZRZY-001"
FLOOR_MEANING = "a bare strawberry schema of the same shape answering from plain objects (bench/bare.py)"
# Reads whose stored documents are decoded once per process (storage/decoded_documents.py): each also
# gets an informational figure with that cache emptied before every sample (the cost of a miss).
DECODED_ONCE = ("catalogue_page", "item_detail")
# Read requests the samples answer from a recording of moto's own answer (`Replay`); anything else
# always goes to moto.
REPLAYED = frozenset({"Query", "GetItem", "BatchGetItem"})


class Replay:
    """Moto's answers to read requests, recorded and handed back (a deep copy each time) while `on`.

    Inside the bench's DynamoDB meter, so a replayed request is still counted and its CPU time (the
    key and the copy) is still client time, subtracted. Why: moto answers each request with ~35 ms of
    Python in this process (it sorts the table's items, casts every value), and that work, run in the
    middle of our request, leaves our code ~0.5-0.7 ms of CPU slower per application detail (CPU
    caches, branch predictors), with the same calls and the same answers: an artefact of the
    in-process stand-in, which a Lambda waiting on DynamoDB over the network does not pay
    (bench/README "Application detail, last pass")."""

    def __init__(self) -> None:
        self.on = False
        self.answers: dict[tuple[str, str], Any] = {}

    def wrap(self, original: Any) -> Any:
        def call(connection: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            if operation_name not in REPLAYED:
                return original(connection, operation_name, operation_kwargs)
            key = (operation_name, json.dumps(operation_kwargs, sort_keys=True, default=str))
            if self.on and key in self.answers:
                return copy.deepcopy(self.answers[key])
            answer = original(connection, operation_name, operation_kwargs)
            self.answers[key] = copy.deepcopy(answer)
            return answer

        return call


def _case_steps(stack: Any, steps: Sequence[Any]) -> str:
    from bench import lifecycle

    case_gid: str | None = None
    for step in steps:
        result = lifecycle._ok(stack.call, lifecycle.step_event(stack, step, case_gid), step.field)
        case_gid = result["application"]["id"]
    assert case_gid is not None
    return case_gid


def operations(stack: Any, case_gid: str) -> dict[str, dict[str, Any]]:
    from strawberry import relay

    from bench import lifecycle
    from tests.flows import op

    item = str(relay.GlobalID("ServiceItem", ITEM))
    return {
        "catalogue_page": api_gateway_event(op("CatalogueBrowse"), {"first": PAGE}),
        "item_detail": api_gateway_event(op("ServiceItemDetail"), {"id": item}),
        "application_detail": api_gateway_event(
            op("ApplicationDetail"), {"id": case_gid}, stack.headers[lifecycle.APPLICANT]
        ),
        "inbox_page": api_gateway_event(
            op("Inbox"), {"queue": "REVIEW", "first": PAGE}, stack.headers[lifecycle.LEAD_REVIEWER]
        ),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.warm", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few samples and cases: a smoke run, not a measurement")
    parser.add_argument("-n", "--repeat", type=int, default=None, help="samples of each (default 200, quick 10)")
    parser.add_argument("--profile", default="", metavar="OP:K", help="then cProfile K requests of OP")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> list[Figure]:
    from bench import lifecycle
    from bench.bare import build_floor, comparable
    from bench.request import _profile, metered
    from chalicelib.api.schema import build_schema
    from chalicelib.config import get_settings
    from chalicelib.storage import decoded_documents
    from chalicelib.storage._pynamodb_seam import wrapped_api_calls

    repeat = args.repeat or (10 if args.quick else 200)
    warmup = max(5, repeat // 10)
    waiting = 3 if args.quick else PAGE
    print(f"warm: {repeat} interleaved samples of each operation and its floor after {warmup} warm-up; {machine()}")
    figures: list[Figure] = []
    replay = Replay()
    with lifecycle.lifecycle_stack(items=ITEMS) as stack, wrapped_api_calls(replay.wrap), metered() as meter:
        case_gid = _case_steps(stack, lifecycle.STEPS)  # one approved joint case
        for _ in range(waiting):  # the lead reviewer's REVIEW worklist
            _case_steps(stack, lifecycle.STEPS[:2])
        print(f"  {ITEMS} catalogue items; 1 approved case; {waiting} cases waiting for review (inbox page of {PAGE})")
        # The set-up leaves moto's tables (and the deep copies its transactions keep) in this process:
        # gigabytes of objects a warm Lambda does not hold. Frozen, a collection that a request's own
        # garbage triggers does not walk them, so it is not charged to that request (ours or the floor's).
        gc.collect()
        gc.freeze()
        schema = build_schema(get_settings())._schema
        for name, event in operations(stack, case_gid).items():
            status, body = stack.call(event)
            answer = json.loads(body)
            if status != 200 or answer.get("errors"):
                raise RuntimeError(f"{name} failed: {status} {body[:500]}")
            (root,) = answer["data"].values()
            if not root or ("edges" in root and not root["edges"]):
                raise RuntimeError(f"{name} answered nothing: {body[:500]}")
            floor = build_floor(schema, json.loads(event["body"])["query"], answer["data"])
            if comparable(floor.call(event["body"])) != comparable(body):
                raise RuntimeError(f"{name}: the bare floor does not give the same answer")
            live_answers = {json.dumps(comparable(body))}  # a page reads one of the listing's copies at random
            for _ in range(warmup):
                live_answers.add(json.dumps(comparable(stack.call(event)[1])))
                floor.call(event["body"])
            replay.on = True
            for _ in range(3):
                again = json.dumps(comparable(stack.call(event)[1]))
                if again in live_answers:
                    break
                replay.on = False
                live_answers.update(json.dumps(comparable(stack.call(event)[1])) for _ in range(10))
                replay.on = True
            else:
                raise RuntimeError(f"{name}: the replayed DynamoDB answers give another answer: {again[:500]}")
            lives: list[float] = []  # the same, every DynamoDB request answered by moto (informational)
            ours: list[float] = []  # process CPU time minus CPU time inside the DynamoDB client
            floors: list[float] = []
            ours_wall: list[float] = []  # wall time minus wall time inside it (informational)
            floors_wall: list[float] = []
            misses: list[float] = []
            calls: dict[str, int] | None = None
            gc.collect()
            for i in range(repeat):
                for which in ("ours", "floor") if i % 2 == 0 else ("floor", "ours"):
                    if which == "floor":
                        start, cpu = perf_counter(), process_time()
                        floor.call(event["body"])
                        floors.append(process_time() - cpu)
                        floors_wall.append(perf_counter() - start)
                        continue
                    meter.reset()
                    start, cpu = perf_counter(), process_time()
                    stack.call(event)
                    ours.append(process_time() - cpu - meter.client_cpu_s)
                    ours_wall.append(perf_counter() - start - meter.client_s)
                    seen = dict(sorted(meter.calls.items()))
                    if calls is not None and seen != calls:
                        raise RuntimeError(f"{name}: DynamoDB requests changed between samples: {calls} then {seen}")
                    calls = seen
                replay.on = False  # moto answering: its work inside our request (not the figure)
                meter.reset()
                cpu = process_time()
                stack.call(event)
                lives.append(process_time() - cpu - meter.client_cpu_s)
                replay.on = True
                if name in DECODED_ONCE:  # the same request with nothing decoded yet (informational)
                    decoded_documents.clear()
                    meter.reset()
                    cpu = process_time()
                    stack.call(event)
                    misses.append(process_time() - cpu - meter.client_cpu_s)
            replay.on = False
            s_ours, s_floor = Stats.of(ours), Stats.of(floors)
            detail = " ".join(f"{k}={v}" for k, v in (calls or {}).items())
            print(f"DDB_REQUESTS op={name}: {detail} (total {sum((calls or {}).values())})")
            print(row(f"{name} CPU minus all DynamoDB client CPU", s_ours))
            print(row(f"{name} bare strawberry floor, CPU", s_floor))
            s_live = Stats.of(lives)
            print(
                row(f"{name} answered by moto live (not the figure)", s_live)
                + f"  ({s_live.median / s_floor.median:.2f}x)"
            )
            s_wall, s_floor_wall = Stats.of(ours_wall), Stats.of(floors_wall)
            print(row(f"{name} wall minus client wall (not the figure)", s_wall))
            print(row(f"{name} bare floor, wall (not the figure)", s_floor_wall))
            figure = Figure(
                f"warm.{name}",
                s_ours.median,
                s_floor.median,
                f"{name} through the view: process CPU time minus the CPU time inside PynamoDB "
                "Connection._make_api_call",
                FLOOR_MEANING,
            )
            verdict = "met" if figure.ratio <= TARGET else "NOT met"
            print(f"TARGET warm.{name} <= {TARGET}x: {verdict} ({figure.ratio:.2f}x)")
            figures.append(figure)
            if misses:
                s_miss = Stats.of(misses)
                print(row(f"{name} with every stored document decoded afresh", s_miss))
                figures.append(
                    Figure(
                        f"warm.{name}_decode_miss",
                        s_miss.median,
                        s_floor.median,
                        f"{name} as above (CPU), the per-process decoded-document cache emptied before each sample",
                        FLOOR_MEANING,
                    )
                )
            if args.profile and args.profile.split(":")[0] == name:
                replay.on = True  # so the profile shows our code, not moto's
                print(_profile(stack.call, event, int(args.profile.split(":")[1])))
                replay.on = False
    gc.unfreeze()  # the set-up's objects can go now (run_all runs other benches in this process)
    print_figures(figures)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
