"""Per-request cost of one application's whole lifecycle, against a trivial query through the same view.

A joint item (ZS-ZRZY-001: lead city-natural-resources, co-reviewers city-housing and city-fire)
goes file -> accept -> review (lead, then both co-reviewers) -> approve, six mutations, each an
API Gateway event with the bearer token of a real seeded person, answered by `graphql_response`
as a warm Lambda does (as bench/request.py). DynamoDB is moto holding the real seed; material
files are uploaded once (materialUploadCreate + the local blob store's PUT) and cited by every
filing, so the file step includes checking the 7 stored files but not uploading them.

Floor: `{ __typename }` through the same view, anonymous, in the same run (the same floor as
bench/request.py), measured right before every step (see `run_once` for why the order is
fixed); a token-bearing `{ __typename }` is measured too (informational). Figures: the
whole run (sum of the six requests) and each step, medians, as ratios of the floor's median;
the whole run also minus the time spent inside moto, and minus all DynamoDB client time. The
DynamoDB requests of every step are counted in every sample and must not change between samples.

    python -m bench.lifecycle [--quick] [-n 30]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from bench._common import Figure, Stats, api_gateway_event, machine, print_figures, row
from bench.request import TRIVIAL, DdbMeter, catalogue_in_moto, make_call, metered

ITEM = "ZS-ZRZY-001"
CENTRE = "zs-city"
APPLICANT = "applicant-wang"
CLERK = "clerk-li"
LEAD_REVIEWER = "reviewer-nr-yu"
CO_REVIEWERS = ("reviewer-housing-xie", "reviewer-fire-yao")
APPROVER = "approver-nr-chen"
ISSUER = "uap-bench-issuer"
AUDIENCE = "uap-api"

PAYLOAD = "application { id state tasks { role status } decision { outcome } } userErrors { code message }"
FILE = f"mutation($input: ApplicationFileInput!) {{ applicationFile(input: $input) {{ {PAYLOAD} }} }}"
ACCEPT = f"mutation($input: ApplicationAcceptInput!) {{ applicationAccept(input: $input) {{ {PAYLOAD} }} }}"
REVIEW = f"mutation($input: ApplicationReviewInput!) {{ applicationReview(input: $input) {{ {PAYLOAD} }} }}"
DECIDE = f"mutation($input: ApplicationDecideInput!) {{ applicationDecide(input: $input) {{ {PAYLOAD} }} }}"
UPLOAD = """mutation($input: MaterialUploadCreateInput!) { materialUploadCreate(input: $input) {
  upload { url blobKey } userErrors { code message } } }"""

Event = dict[str, Any]
Call = Callable[[Event], tuple[int, str]]


@dataclass(frozen=True)
class Step:
    """One mutation of the lifecycle: who sends it, and the state the case must be in after it."""

    name: str
    field: str
    query: str
    person: str
    state: str
    extra: dict[str, Any]


STEPS = (
    Step("file", "applicationFile", FILE, APPLICANT, "SUBMITTED", {}),
    Step("accept", "applicationAccept", ACCEPT, CLERK, "IN_REVIEW", {}),
    Step(
        "review_lead",
        "applicationReview",
        REVIEW,
        LEAD_REVIEWER,
        "IN_REVIEW",
        {"opinion": "AGREE", "text": "符合规划条件"},
    ),
    Step(
        "review_co_housing",
        "applicationReview",
        REVIEW,
        CO_REVIEWERS[0],
        "IN_REVIEW",
        {"opinion": "AGREE", "text": "同意"},
    ),
    Step(
        "review_co_fire",
        "applicationReview",
        REVIEW,
        CO_REVIEWERS[1],
        "IN_REVIEW",
        {"opinion": "AGREE", "text": "同意"},
    ),
    Step("approve", "applicationDecide", DECIDE, APPROVER, "APPROVED", {"outcome": "APPROVED", "reason": "准予许可"}),
)


@contextmanager
def extra_env(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables (tokens, blob store) and restore the previous values after."""
    from chalicelib.config import get_settings

    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
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


@dataclass
class Stack:
    """The seeded moto table, the view, bearer headers of the seeded people, uploaded materials."""

    call: Call
    headers: dict[str, dict[str, str]]
    materials: list[dict[str, Any]]
    form_data: dict[str, Any]


def _headers(seed: Any, private_pem: bytes, person_id: str) -> dict[str, str]:
    """A bearer token with the person's real roles and scope, as the local issuer signs them."""
    from infra import local_issuer

    staff = next((s for s in seed.staff if s.id == person_id), None)
    verified = None
    if staff is not None:
        roles, department, centre, name = staff.roles, staff.department_id, staff.centre_id, staff.name
    else:
        user = next(u for u in seed.users if u.id == person_id)
        roles, department, centre, name = user.roles, None, None, user.name
        # the portal's real-name authentication puts the verified identifier in the token
        verified = {"custom:identifier": user.identifier} if user.identifier else None
    token = local_issuer.issue(
        private_pem,
        person_id,
        sorted(r.value for r in roles),
        issuer=ISSUER,
        audience=AUDIENCE,
        name=name,
        department=department,
        centre=centre,
        ttl_seconds=6 * 3600,
        extra=verified,
    )
    return {"authorization": f"Bearer {token}"}


def _ok(call: Call, event: Event, field: str) -> dict[str, Any]:
    status, body = call(event)
    payload = json.loads(body)
    if status != 200 or payload.get("errors") or payload["data"][field]["userErrors"]:
        raise RuntimeError(f"unexpected response {status}: {body[:500]}")
    result: dict[str, Any] = payload["data"][field]
    return result


def _upload_materials(seed: Any, call: Call, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Upload each material of the item once, as a client does; filings cite these files."""
    from chalicelib.config import get_settings
    from chalicelib.storage.blobs import LocalBlobStore, blob_store_from_config

    item = next(i for i in seed.items if i.code == ITEM)
    store = blob_store_from_config(get_settings())
    assert isinstance(store, LocalBlobStore)
    materials = []
    for material in item.elements.materials:
        content = f"%PDF-1.7 bench {material.code} {material.name}".encode()
        digest = hashlib.sha256(content).hexdigest()
        variables = {"input": {"sha256": digest, "size": len(content), "contentType": "application/pdf"}}
        target = _ok(call, api_gateway_event(UPLOAD, variables, headers), "materialUploadCreate")["upload"]
        store.receive(target["url"].rsplit("/", 1)[1], content, "application/pdf")  # the client's PUT
        materials.append(
            {
                "code": material.code,
                "fileName": f"{material.code}.pdf",
                "blobKey": target["blobKey"],
                "sha256": digest,
                "size": len(content),
            }
        )
    return materials


@contextmanager
def _warm_staff_standing(seed: Any) -> Iterator[None]:
    """A warm Lambda knows its callers' staff records (the token-vs-record check caches them for
    `STANDING_TTL_SECONDS`): prime the cache and hold its clock, so a long run measures the warm
    path every time rather than an occasional refresh (its one GetItem is tested in the e2e suite)."""
    from chalicelib.domain.staff import seeded_standing
    from chalicelib.services import staff as standing

    held = standing._monotonic
    standing._monotonic = lambda: 0.0
    standing.clear_standing_cache()
    standing.prime_standing([seeded_standing(s, list(seed.posts)) for s in seed.staff])
    try:
        yield
    finally:
        standing.clear_standing_cache()
        standing._monotonic = held


@contextmanager
def _held_calendar() -> Iterator[None]:
    """Hold the working-day calendar cache's clock, as `_warm_staff_standing` holds the staff cache's.

    The calendar is re-read (one Query) at most once per `MAX_STALENESS_SECONDS` per process: a
    full run lasts longer than that, so without this one `file` step in some lifecycle paid that
    refresh (Query=3 instead of 2) and the counts differed between lifecycles. The refresh is by
    design (bounded staleness, tested in tests/e2e/test_working_day_calendar.py), not a cost of the
    lifecycle: the first lifecycle reads the calendar, every later one measures the warm path."""
    from chalicelib.services.calendar import CALENDAR_CACHE
    from chalicelib.services.reference_cache import CENTRE_HIERARCHY  # the same for routing's copy

    held, held_centres = CALENDAR_CACHE._monotonic, CENTRE_HIERARCHY._monotonic
    CALENDAR_CACHE.invalidate()
    CENTRE_HIERARCHY.invalidate()
    CALENDAR_CACHE._monotonic = lambda: 0.0
    CENTRE_HIERARCHY._monotonic = lambda: 0.0
    try:
        yield
    finally:
        CALENDAR_CACHE._monotonic = held
        CENTRE_HIERARCHY._monotonic = held_centres
        CALENDAR_CACHE.invalidate()
        CENTRE_HIERARCHY.invalidate()


@contextmanager
def lifecycle_stack(items: int = 0) -> Iterator[Stack]:
    """moto with the seed (plus filler items up to `items`: bench.warm's catalogue page), a token
    issuer and a local blob store in a temp dir."""
    from infra import local_issuer
    from infra.seed import load
    from tests.forms import answers

    seed = load()
    form_data = answers(next(i for i in seed.items if i.code == ITEM).elements.form)
    with tempfile.TemporaryDirectory(prefix="uap-bench-lifecycle-") as tmp:
        private_path, public_path = local_issuer.ensure_keypair(Path(tmp) / "issuer")
        env = {
            "UAP_JWT_ISSUER": ISSUER,
            "UAP_JWT_AUDIENCE": AUDIENCE,
            "UAP_JWT_KEYS": public_path.read_text(),
            "UAP_BLOB_BACKEND": "local",
            "UAP_BLOB_DIR": str(Path(tmp) / "blobs"),
            "UAP_BLOB_SECRET": "bench-lifecycle-upload-secret",
        }
        with extra_env(env), catalogue_in_moto(total=items), _warm_staff_standing(seed), _held_calendar():
            private_pem = private_path.read_bytes()
            people = {APPLICANT, CLERK, LEAD_REVIEWER, *CO_REVIEWERS, APPROVER}
            headers = {person: _headers(seed, private_pem, person) for person in people}
            call = make_call("view")
            yield Stack(call, headers, _upload_materials(seed, call, headers[APPLICANT]), form_data)


def step_event(stack: Stack, step: Step, case_gid: str | None) -> Event:
    from strawberry import relay

    if step.name == "file":
        variables: dict[str, Any] = {
            "input": {
                "itemId": str(relay.GlobalID("ServiceItem", ITEM)),
                "centreId": str(relay.GlobalID("Centre", CENTRE)),
                "applicant": {"name": "王海燕", "identifier": "330902199003151226"},  # the seeded verified ID
                "materials": stack.materials,
                "formData": stack.form_data,
                "channel": "ONLINE",
            }
        }
    else:
        variables = {"input": {"id": case_gid, **step.extra}}
    return api_gateway_event(step.query, variables, stack.headers[step.person])


@dataclass
class Sample:
    """One lifecycle: per-step wall time, time inside moto and inside the DynamoDB client, calls."""

    wall: dict[str, float]
    moto: dict[str, float]
    client: dict[str, float]
    calls: dict[str, dict[str, int]]
    floors: list[float]
    token_floors: list[float]


def run_once(stack: Stack, trivials: dict[str, Event], meter: DdbMeter) -> Sample:
    """The six steps of one fresh case, each right after the two floor requests.

    The order is fixed on purpose: the floor always follows a lifecycle request (the previous
    step, or the previous case's last), so every floor sample sees the same cache conditions.
    Alternating the order made the floor bimodal (~0.13 ms after another trivial request, ~0.27 ms
    after a mutation) and its median flip between the modes from run to run.
    """
    sample = Sample({}, {}, {}, {}, [], [])
    case_gid: str | None = None
    gc.collect()  # every lifecycle starts from the same collector state (moto leaves much garbage)
    for step in STEPS:
        event = step_event(stack, step, case_gid)
        for which in ("floor", "token", "step"):
            meter.reset()
            start = perf_counter()
            status, body = stack.call(trivials[which] if which != "step" else event)
            elapsed = perf_counter() - start
            if which != "step":
                (sample.floors if which == "floor" else sample.token_floors).append(elapsed)
                if meter.calls or status != 200 or json.loads(body).get("errors"):
                    raise RuntimeError(f"floor request failed or called DynamoDB: {status} {body[:300]}")
                continue
            sample.wall[step.name] = elapsed
            sample.moto[step.name] = meter.moto_s
            sample.client[step.name] = meter.client_s
            sample.calls[step.name] = dict(sorted(meter.calls.items()))
            payload = json.loads(body)
            result = payload["data"][step.field] if status == 200 and payload.get("data") else None
            if not result or result["userErrors"] or result["application"]["state"] != step.state:
                raise RuntimeError(f"step {step.name} failed: {status} {body[:500]}")
            case_gid = result["application"]["id"]
    return sample


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.lifecycle", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 samples: a smoke run, not a measurement")
    parser.add_argument("-n", "--repeat", type=int, default=None, help="lifecycles measured (default 30, quick 3)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> list[Figure]:
    repeat = args.repeat or (3 if args.quick else 30)
    warmup = max(2, repeat // 5)
    print(
        f"lifecycle: {repeat} lifecycles of {len(STEPS)} steps after {warmup} warm-up, "
        f"floor requests right before every step; {machine()}"
    )
    with lifecycle_stack() as stack, metered() as meter:
        trivials = {
            "floor": api_gateway_event(TRIVIAL),
            "token": api_gateway_event(TRIVIAL, headers=stack.headers[APPLICANT]),
        }
        # The first lifecycle also fills the per-process caches (the working-day calendar and the
        # centre hierarchy are read once a minute at most); the warm ones after it must all cost
        # the same requests.
        run_once(stack, trivials, meter)
        expected = run_once(stack, trivials, meter).calls
        for _ in range(1, warmup):
            again = run_once(stack, trivials, meter).calls
            if again != expected:
                raise RuntimeError(
                    f"DynamoDB request counts changed between warm-up lifecycles: {expected} then {again}"
                )
        samples = [run_once(stack, trivials, meter) for _ in range(repeat)]

    constant = all(s.calls == expected for s in samples)
    floor = Stats.of([f for s in samples for f in s.floors])
    whole = Stats.of([sum(s.wall.values()) for s in samples])
    whole_no_moto = Stats.of([sum(s.wall[k] - s.moto[k] for k in s.wall) for s in samples])
    whole_no_client = Stats.of([sum(s.wall[k] - s.client[k] for k in s.wall) for s in samples])
    token_floor = Stats.of([f for s in samples for f in s.token_floors])
    steps = {step.name: Stats.of([s.wall[step.name] for s in samples]) for step in STEPS}
    steps_no_moto = {step.name: Stats.of([s.wall[step.name] - s.moto[step.name] for s in samples]) for step in STEPS}
    moto_share = Stats.of([sum(s.moto.values()) / sum(s.wall.values()) for s in samples]).median

    print(f"  case: {ITEM} (3 review tasks) at {CENTRE}; mutation payload: {PAYLOAD}")
    for step in STEPS:
        ops = expected[step.name]
        detail = " ".join(f"{op}={n}" for op, n in ops.items())
        print(f"DDB_REQUESTS step={step.name}: {detail} (total {sum(ops.values())})")
    total = sum(sum(ops.values()) for ops in expected.values())
    print(f"DDB_REQUESTS whole run: total {total}")
    print(f"DDB_REQUESTS constant: {'yes' if constant else 'NO'}")
    print(row(f"floor `{TRIVIAL}`", floor))
    print(row(f"`{TRIVIAL}` with a bearer token (informational)", token_floor))
    print(row(f"whole run ({len(STEPS)} requests)", whole))
    print(row("whole run minus moto's handler time", whole_no_moto))
    print(row("whole run minus all DynamoDB client time", whole_no_client))
    for name, stats in steps.items():
        print(row(f"step {name}", stats))
        print(row(f"step {name} minus moto's handler time", steps_no_moto[name]))
    print(f"  moto's share of the whole run: median {moto_share:.0%}")
    if not constant:
        varying = [s.calls for s in samples if s.calls != expected]
        raise RuntimeError(f"DynamoDB request counts changed between lifecycles: {expected} vs {varying[0]}")

    floor_meaning = f"`{TRIVIAL}` through the same view"
    figures = [
        Figure("lifecycle.run", whole.median, floor.median, "file->approve, 6 mutations, moto DynamoDB", floor_meaning),
        Figure(
            "lifecycle.run_excl_moto",
            whole_no_moto.median,
            floor.median,
            "the whole run minus time inside moto's request handler",
            floor_meaning,
        ),
        Figure(
            "lifecycle.run_excl_ddb_client",
            whole_no_client.median,
            floor.median,
            "the whole run minus all time inside PynamoDB Connection._make_api_call",
            floor_meaning,
        ),
    ]
    for name, stats in steps.items():
        figures.append(
            Figure(f"lifecycle.{name}", stats.median, floor.median, f"lifecycle step {name}, moto", floor_meaning)
        )
        figures.append(
            Figure(
                f"lifecycle.{name}_excl_moto",
                steps_no_moto[name].median,
                floor.median,
                f"lifecycle step {name} minus time inside moto's request handler",
                floor_meaning,
            )
        )
    figures.append(
        Figure(
            "lifecycle.floor_with_token",
            token_floor.median,
            floor.median,
            f"`{TRIVIAL}` with an applicant's bearer token (token verification)",
            floor_meaning,
        )
    )
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    figures = run(parse_args(argv))
    print_figures(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
