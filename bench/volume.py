"""Flat with volume: three reads at 1,000 and at 10,000 cases on DynamoDB Local.

Issue 14 point 7. On DynamoDB Local (in memory; moto_server when Java is missing, said loudly)
holding the real seed, through the view a warm Lambda runs (`graphql_response`), with seeded
people's bearer tokens:

- `inbox_page`: `Inbox` (REVIEW, first 50) of the lead reviewer, whose worklist holds every case;
- `application_detail`: `ApplicationDetail` of one approved joint case, by its applicant;
- `department_statistics`: `Statistics` of the lead department for the month, by a supervisor.

**Seeding.** A few template cases go through the API for real (filed and accepted: the services
write them), while every write request they make is recorded. Each template's final rows (the
transactions' puts and deletes applied in order, keyed by PK/SK) are then cloned: a new case id
(`secrets.token_hex(10)`, as the service makes them) and tracking code replace the template's in
every attribute, and the rows go in with `BatchWriteItem` (25 per request, 4 threads). The
statistics counters the templates incremented get the clones' share in one `UpdateItem` per
counter (each `ADD` amount times the clones of that template). So the table holds what the
services would have written for every case, through the repositories' own key scheme, in seconds
rather than the hours of filing 10,000 cases one by one.

Two tables on the same server: the cases made through the API (and the seed) are copied into a
second table, then one grows to 1,000 cases and the other to 10,000. Samples alternate between
the two tables (the model's cached table connection is switched, `use_table_connection`), so
drift hits both alike. Figure `volume.<op>`: median at 10,000 / median at 1,000 (the floor is
the same read at 1,000 cases); `TARGET volume.<op> <= 1.2x`. The DynamoDB requests of each read
are counted in every sample: they must be the same at both volumes, and no Scan.

    python -m bench.volume [--quick] [-n 60]     (--quick: 100 and 1,000 cases)
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import secrets
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from time import perf_counter
from typing import Any

from bench._common import (
    REGION,
    TABLE,
    Figure,
    Stats,
    api_gateway_event,
    counting,
    machine,
    print_figures,
    row,
    seeded_api,
)

TARGET = 1.2
TEMPLATES = 4
PAGE = 50
SUPERVISOR = "supervisor-fang"
Key = tuple[str, str]


@dataclass
class Template:
    """One real case's rows (final state) and its counter updates, to be cloned."""

    case_id: str
    tracking_code: str
    rows: dict[Key, dict[str, Any]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def recording_writes() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every write request the services make (they are sent as usual)."""
    from chalicelib.storage._pynamodb_seam import ApiCall, wrapped_api_calls

    log: list[tuple[str, dict[str, Any]]] = []

    def recording(original: ApiCall) -> ApiCall:
        def call(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            if operation_name in ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"):
                log.append((operation_name, copy.deepcopy(operation_kwargs)))
            return original(self, operation_name, operation_kwargs)

        return call

    with wrapped_api_calls(recording):
        yield log


def _key(attributes: dict[str, Any]) -> Key:
    return attributes["PK"]["S"], attributes["SK"]["S"]


def template_of(case_id: str, tracking_code: str, log: list[tuple[str, dict[str, Any]]]) -> Template:
    """The rows a case ended with and the counters it moved, from the writes recorded while it was made."""
    template = Template(case_id, tracking_code)
    for operation, kwargs in log:
        if operation != "TransactWriteItems":
            raise RuntimeError(f"a case's writes are one transaction each; got {operation}")
        for entry in kwargs["TransactItems"]:
            ((kind, body),) = entry.items()
            if kind == "Put":
                template.rows[_key(body["Item"])] = body["Item"]
            elif kind == "Delete":
                template.rows.pop(_key(body["Key"]), None)
            elif kind == "Update":
                if not body["Key"]["PK"]["S"].startswith("STAT#"):
                    raise RuntimeError(f"unexpected update of {body['Key']}: extend the cloner")
                template.updates.append(body)
            # ConditionCheck: nothing to write
    return template


def clone_rows(template: Template) -> list[dict[str, Any]]:
    """The template's rows for a new case: its id and tracking code replaced in every attribute."""
    case_id, tracking = secrets.token_hex(10), _tracking_code()
    text = json.dumps(list(template.rows.values()), ensure_ascii=False)
    text = text.replace(template.case_id, case_id).replace(template.tracking_code, tracking)
    rows: list[dict[str, Any]] = json.loads(text)
    return rows


def _tracking_code() -> str:
    from chalicelib.services.applications import new_tracking_code

    return new_tracking_code()


def scaled_update(update: dict[str, Any], factor: int) -> dict[str, Any]:
    """A counter update with every `ADD` amount multiplied (the SET parts set markers, kept as they are)."""
    scaled = copy.deepcopy(update)
    expression: str = scaled["UpdateExpression"]
    added = expression.split("ADD", 1)[1] if "ADD" in expression else ""
    for placeholder in re.findall(r":\w+", added):
        value = scaled["ExpressionAttributeValues"][placeholder]
        if "N" in value:
            value["N"] = str(int(value["N"]) * factor)
        elif "M" in value:
            for inner in value["M"].values():
                if "N" in inner:
                    inner["N"] = str(int(inner["N"]) * factor)
    scaled.pop("ConditionExpression", None)
    return scaled


def bulk_write(client: Any, table: str, rows: list[dict[str, Any]], threads: int = 4) -> int:
    """BatchWriteItem, 25 rows a request (the API's limit), retrying what comes back unprocessed."""
    unique = list({_key(r): r for r in rows}.values())
    batches = [unique[i : i + 25] for i in range(0, len(unique), 25)]

    def write(batch: list[dict[str, Any]]) -> None:
        request = {table: [{"PutRequest": {"Item": r}} for r in batch]}
        while request:
            answer = client.batch_write_item(RequestItems=request)
            request = answer.get("UnprocessedItems") or {}

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, batches))
    return len(unique)


def grow(client: Any, table: str, templates: list[Template], cases: int) -> float:
    """Add `cases` cloned cases and their counters to `table`; returns the seconds it took."""
    start = perf_counter()
    added = dict.fromkeys(range(len(templates)), 0)
    chunk: list[dict[str, Any]] = []
    for n in range(cases):
        chunk += clone_rows(templates[n % len(templates)])
        added[n % len(templates)] += 1
        if len(chunk) >= 5000:
            bulk_write(client, table, chunk)
            chunk = []
    if chunk:
        bulk_write(client, table, chunk)
    for index, template in enumerate(templates):
        for update in template.updates if added[index] else ():
            client.update_item(**{**scaled_update(update, added[index]), "TableName": table})
    return perf_counter() - start


def copy_table(client: Any, source: str, target: str) -> int:
    """Every row of `source` into `target` (bench set-up: the seed and the cases made through the API)."""
    rows: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=source):
        rows += page["Items"]
    return bulk_write(client, target, rows)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.volume", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 cases, 3 samples: a smoke run")
    parser.add_argument("-n", "--repeat", type=int, default=None, help="samples per read and volume (default 60)")
    return parser.parse_args(argv)


Sample = tuple[Stats, Stats, dict[str, int], dict[str, int]]


def measure(
    call: Callable[[dict[str, Any]], tuple[int, str]],
    event: dict[str, Any],
    use: Mapping[str, Callable[[], None]],
    n: int,
) -> Sample:
    """`n` samples of `event` on each table, alternating which goes first; requests counted in every one."""
    times: dict[str, list[float]] = {which: [] for which in use}
    calls: dict[str, dict[str, int]] = {}
    for which, switch in use.items():  # warm-up, and the answer must be real
        switch()
        status, body = call(event)
        if status != 200 or json.loads(body).get("errors"):
            raise RuntimeError(f"failed on the {which} table: {status} {body[:500]}")
    for i in range(n):
        for which in list(use) if i % 2 == 0 else list(use)[::-1]:
            use[which]()
            with counting() as counter:
                start = perf_counter()
                call(event)
                times[which].append(perf_counter() - start)
            if calls.setdefault(which, dict(counter.calls)) != counter.calls:
                raise RuntimeError(f"requests changed between samples: {calls[which]} then {counter.calls}")
            if "Scan" in counter.calls:
                raise RuntimeError(f"the read scans the table: {counter.calls}")
    small, large = use
    return Stats.of(times[small]), Stats.of(times[large]), calls[small], calls[large]


def run(args: argparse.Namespace) -> list[Figure]:
    import boto3
    from strawberry import relay

    from bench import lifecycle
    from chalicelib.storage._pynamodb_seam import table_connection, use_table_connection
    from chalicelib.storage.tables import Record, configure, create_table
    from tests.flows import op
    from tests.forms import answers

    small, large = (100, 1000) if args.quick else (1000, 10000)
    repeat = args.repeat or (3 if args.quick else 60)
    print(
        f"volume: {repeat} samples per read on a table of {small:,} and one of {large:,} cases, alternating; {machine()}"
    )
    with seeded_api("volume") as api:
        seed, endpoint, call = api.seed, api.endpoint, api.call
        people = {lifecycle.APPLICANT, lifecycle.CLERK, lifecycle.LEAD_REVIEWER, *lifecycle.CO_REVIEWERS}
        headers = {p: api.headers(p) for p in people | {lifecycle.APPROVER, SUPERVISOR}}
        form = answers(next(i for i in seed.items if i.code == lifecycle.ITEM).elements.form)
        materials = lifecycle._upload_materials(seed, call, headers[lifecycle.APPLICANT])
        stack = lifecycle.Stack(call, headers, materials, form)

        def steps(which: Sequence[Any]) -> dict[str, Any]:
            gid: str | None = None
            result: dict[str, Any] = {}
            for step in which:
                result = lifecycle._ok(call, lifecycle.step_event(stack, step, gid), step.field)["application"]
                gid = result["id"]
            return result

        approved = steps(lifecycle.STEPS)["id"]
        templates: list[Template] = []
        for _ in range(TEMPLATES):
            with recording_writes() as log:
                made = steps(lifecycle.STEPS[:2])
            case_id = relay.GlobalID.from_id(made["id"]).node_id
            detail = json.loads(
                call(api_gateway_event(op("ApplicationDetail"), {"id": made["id"]}, headers[lifecycle.APPLICANT]))[1]
            )
            templates.append(template_of(case_id, detail["data"]["application"]["trackingCode"], log))
        made_through_api = 1 + TEMPLATES

        # the second table: a copy of the first (seed + the cases above), then each grows
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION)
        connections = {small: table_connection(Record)}
        configure(f"{TABLE}-large", endpoint, REGION)
        create_table()
        connections[large] = table_connection(Record)
        copy_table(client, TABLE, f"{TABLE}-large")
        for volume, table in ((small, TABLE), (large, f"{TABLE}-large")):
            seconds = grow(client, table, templates, volume - made_through_api)
            print(f"  {table}: {volume:,} cases ({volume - made_through_api:,} cloned in {seconds:.1f} s)")
        use = {str(v): partial(use_table_connection, Record, c) for v, c in connections.items()}

        # the month the cases were counted in (the counters' day, China time)
        month = date.fromisoformat(templates[0].updates[0]["Key"]["SK"]["S"][:10]).replace(day=1)
        next_month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        last = date.fromordinal(next_month.toordinal() - 1)
        lead = next(i for i in seed.items if i.code == lifecycle.ITEM).elements.department_id
        events = {
            "inbox_page": api_gateway_event(
                op("Inbox"), {"queue": "REVIEW", "first": PAGE}, headers[lifecycle.LEAD_REVIEWER]
            ),
            "application_detail": api_gateway_event(
                op("ApplicationDetail"), {"id": approved}, headers[lifecycle.APPLICANT]
            ),
            "department_statistics": api_gateway_event(
                op("Statistics"),
                {
                    "scope": {"kind": "DEPARTMENT", "id": str(relay.GlobalID("Department", lead))},
                    "from": month.isoformat(),
                    "to": last.isoformat(),
                },
                headers[SUPERVISOR],
            ),
        }
        for volume in (small, large):
            use[str(volume)]()
            inbox = json.loads(call(events["inbox_page"])[1])["data"]["inbox"]
            stats = json.loads(call(events["department_statistics"])[1])["data"]["statistics"]
            print(
                f"  at {volume:,}: inbox page {len(inbox['edges'])} rows (more: {inbox['pageInfo']['hasNextPage']}), "
                f"department-month received {stats['received']}, accepted {stats['accepted']}"
            )
        results = {name: measure(call, event, use, repeat) for name, event in events.items()}
        use[str(small)]()
    figures: list[Figure] = []
    for name, (at_small, at_large, calls_small, calls_large) in results.items():
        detail = " ".join(f"{k}={v}" for k, v in sorted(calls_large.items()))
        same = "the same" if calls_small == calls_large else f"CHANGED from {calls_small}"
        print(f"DDB_REQUESTS op={name}: {detail} (total {sum(calls_large.values())}; {same} at {small:,})")
        print(row(f"{name} at {small:,}", at_small))
        print(row(f"{name} at {large:,}", at_large))
        figure = Figure(
            f"volume.{name}",
            at_large.median,
            at_small.median,
            f"{name} at {large:,} cases",
            f"the same read at {small:,} cases on the same DynamoDB Local (alternating)",
        )
        verdict = "met" if figure.ratio <= TARGET and calls_small == calls_large else "NOT met"
        print(f"TARGET volume.{name} <= {TARGET}x: {verdict} ({figure.ratio:.2f}x)")
        figures.append(figure)
    print_figures(figures)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
