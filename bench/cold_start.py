"""Lambda cold start: `import app` (and the first response) in a fresh interpreter, against a floor.

Floor: importing, in a fresh interpreter, exactly the third-party modules that `import app`
loads (discovered in this run, in the order app loads them). The ratio is therefore "how much
our own code adds on top of its dependencies". For reference the script also measures the
cheaper floor of importing only their top-level packages (`import botocore, chalice, ...`),
which leaves out submodules such as `botocore.session` or `strawberry.relay` that app needs.

Bytecode is controlled, not inherited: children write and read .pyc files only under a private
PYTHONPYCACHEPREFIX (so a developer's PYTHONDONTWRITEBYTECODE or stale __pycache__ cannot skew
the figures, and nothing is written into the tree). The headline imports everything from cached
bytecode; a second figure compiles app.py and chalicelib/ from source on every start, which is
what Lambda does when the package ships no (valid) .pyc for them (/var/task is read-only).

Issue 14's cold-start figure, `cold_start.first_catalogue_page`, is `import app` plus the first
catalogue page (`graphql/operations/CatalogueBrowse.graphql`, first 20, anonymous) answered by the
Lambda handler `app.app(event, None)` against DynamoDB Local holding the seeded catalogue. Its
floor [1'] is a fresh interpreter importing the same third-party modules, then creating a botocore
DynamoDB client and making one GetItem on the same server; the target is <= 1.2x. The first
issuance (render + seal + store) and the first verification after `import app` are printed as
informational figures against the same floor.

Each repetition starts one interpreter per measurement, rotating their order; interpreter
start-up itself is outside every timing (the clock starts inside the child).

    python -m bench.cold_start [--quick] [-n 15]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench._common import ROOT, Figure, Stats, api_gateway_event, bench_environ, machine, ms, print_figures, row

CATALOGUE_TARGET = 1.2
FIRST_PARTY = frozenset({"app", "chalicelib", "signing", "infra", "bench", "tests"})

# Prints the third-party modules `import app` loads, in load order, as JSON.
_DISCOVER = f"""
import json, os, sys, sysconfig
before = set(sys.modules)
import app
paths = sysconfig.get_paths()
site = tuple({{os.path.realpath(paths["purelib"]), os.path.realpath(paths["platlib"])}})
first_party = {sorted(FIRST_PARTY)!r}
modules = []
for name in list(sys.modules):
    top = name.partition(".")[0]
    if name in before or top in sys.stdlib_module_names or top in first_party:
        continue
    origin = getattr(sys.modules.get(top), "__file__", None)
    if origin is None or os.path.realpath(origin).startswith(site):
        modules.append(name)
print(json.dumps(modules))
"""

# Imports a tuple of modules (tolerating any that only exist as a side effect of another). The one
# loop both floors share: floor [1] prints its time, floor [1'] goes on to DynamoDB (`_THEN_DDB`).
_FLOOR = """
import time
_MODULES = {modules!r}
_t0, _c0 = time.perf_counter(), time.process_time()
for _name in _MODULES:
    try:
        __import__(_name)
    except Exception:
        pass
_t1 = time.perf_counter()
{then}"""

_THEN_PRINT = "print(_t1 - _t0)\n"

# Floor [1']: after the same imports, the DynamoDB client and one request on the same server.
_THEN_DDB = """import botocore.session
_client = botocore.session.get_session().create_client("dynamodb", region_name={region!r}, endpoint_url={endpoint!r})
_item = _client.get_item(TableName={table!r}, Key={{"PK": {{"S": "CENTRE#zs-city"}}, "SK": {{"S": "#"}}}})
_t2 = time.perf_counter()
assert "Item" in _item, _item
import json
print(json.dumps([_t1 - _t0, _t2 - _t0, time.process_time() - _c0]))
"""


def floor_code(modules: Sequence[str], ddb: tuple[str, str, str] | None = None) -> str:
    """Floor [1] (the imports), or with `ddb` = (region, endpoint, table) floor [1'] (the imports,
    the client, one GetItem)."""
    then = _THEN_DDB.format(region=ddb[0], endpoint=ddb[1], table=ddb[2]) if ddb else _THEN_PRINT
    return _FLOOR.format(modules=tuple(modules), then=then)


# Issue 14's figure: import app, then the first catalogue page through the Lambda handler.
_CATALOGUE = """
import time
_t0, _c0 = time.perf_counter(), time.process_time()
import app
_t1 = time.perf_counter()
_response = app.app({event!r}, None)
_t2, _c2 = time.perf_counter(), time.process_time()
import json
_body = json.loads(_response["body"])
assert _response["statusCode"] == 200 and not _body.get("errors"), _response
assert _body["data"]["serviceItems"]["edges"], _response
print(json.dumps([_t1 - _t0, _t2 - _t0, _c2 - _c0]))
"""

# Informational: import app, then the first issuance (render + seal + store), as bench.certificates.
_ISSUE = """
import time
_t0 = time.perf_counter()
import app
_t1 = time.perf_counter()
from datetime import UTC, datetime
from pathlib import Path
from bench.certificates import AUTHORITY, BUREAU, sample_view
from chalicelib.rendering import SEAL_BOX, render_certificate
from chalicelib.storage.blobs import LocalBlobStore
from signing import SealAppearance
from signing.config import sealer_for
from signing.registry import load_registry
_registry = load_registry(Path({registry!r}).read_bytes())
_sealer = sealer_for(BUREAU, _registry, datetime.now(UTC), {seal_env!r})
_pdf = render_certificate(sample_view())
_sealed = bytes(_sealer.seal(_pdf, SealAppearance(authority_name=AUTHORITY, box=SEAL_BOX, page=0), location="舟山市"))
import uuid
_key = f"certificates/cold/{{uuid.uuid4().hex}}.pdf"  # a new key per start: the store never overwrites
LocalBlobStore(Path({blobs!r}), "bench-cold-start-secret").put(_key, _sealed, "application/pdf")
_t2 = time.perf_counter()
import json
print(json.dumps([_t1 - _t0, _t2 - _t0]))
"""

# Informational: import app, then the first verification of a sealed certificate.
_VERIFY = """
import time
_t0 = time.perf_counter()
import app
_t1 = time.perf_counter()
from pathlib import Path
from bench.certificates import BUREAU
from signing import Indication, verify_pdf
from signing.registry import load_registry, pin_registered_seal
_report = pin_registered_seal(
    verify_pdf(Path({sealed!r}).read_bytes(), [Path({ca!r}).read_bytes()]),
    load_registry(Path({registry!r}).read_bytes()),
    BUREAU,
)
_t2 = time.perf_counter()
assert _report.indication is Indication.PASSED, _report.to_text()
import json
print(json.dumps([_t1 - _t0, _t2 - _t0]))
"""

# The cold start itself, phase by phase (cumulative times from the first import).
_APP = """
import time
_t0 = time.perf_counter()
import app
_t1 = time.perf_counter()
from chalicelib.api.view import schema_for
from chalicelib.config import get_settings
schema_for(get_settings())  # imports every domain's GraphQL types and builds the schema
_t2 = time.perf_counter()
_response = app.app({event!r}, None)
_t3 = time.perf_counter()
from chalicelib.storage._pynamodb_seam import client_connection
from chalicelib.storage.tables import Record
client_connection(Record).client
_t4 = time.perf_counter()
import json
assert _response["statusCode"] == 200 and json.loads(_response["body"]) == {{"data": {{"__typename": "Query"}}}}, _response
print(json.dumps([_t1 - _t0, _t2 - _t0, _t3 - _t0, _t4 - _t0]))
"""


@dataclass(frozen=True)
class Discovery:
    modules: list[str]

    @property
    def top_level(self) -> list[str]:
        return sorted({m.partition(".")[0] for m in self.modules})


@dataclass(frozen=True)
class Bytecode:
    """Two private .pyc trees: `cached` holds everything, `source` lacks app.py and chalicelib/."""

    cached: Path
    source: Path

    def env(self, compiled: bool) -> dict[str, str]:
        env = bench_environ()
        env["PYTHONPYCACHEPREFIX"] = str(self.cached if compiled else self.source)
        if compiled:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"  # stays without first-party bytecode run after run
        return env

    def split(self) -> None:
        """After the warm-up filled `cached`: copy it to `source` without the first-party files."""
        shutil.rmtree(self.source, ignore_errors=True)
        shutil.copytree(self.cached, self.source)
        mirror = self.source / ROOT.relative_to(ROOT.anchor)
        shutil.rmtree(mirror / "chalicelib", ignore_errors=True)
        for pyc in mirror.glob("app.*.pyc"):
            pyc.unlink()


def _python(code: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env or bench_environ(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child interpreter failed ({result.returncode}):\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def discover() -> Discovery:
    return Discovery(json.loads(_python(_DISCOVER)))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 repetitions: a smoke run, not a measurement")
    parser.add_argument("-n", "--repeat", type=int, default=None, help="repetitions (default 15, quick 3)")
    return parser.parse_args(argv)


@dataclass(frozen=True)
class Seal:
    """A dev PKI, its bureau seal and one sealed certificate, made once by the parent for the children."""

    registry: Path
    ca: Path
    sealed: Path
    seal_env: dict[str, str]
    blobs: Path


def prepare_seal(folder: Path) -> Seal:
    """Dev PKI and a sealed certificate (checked to verify) for the first issuance/verification children."""
    from bench.certificates import AUTHORITY, BUREAU, build_rig
    from signing.devpki import ensure_bureau_seals, ensure_dev_pki

    rig = build_rig(folder)  # checks sealing and verifying work; the children redo them cold
    dev = ensure_dev_pki(folder / "pki", authority=AUTHORITY)  # idempotent: the rig's own PKI
    seals = ensure_bureau_seals(dev, [(BUREAU, AUTHORITY, "《舟山市人民政府关于电子印章法律效力的公告》(基准测试)")])
    sealed = folder / "sealed.pdf"
    sealed.write_bytes(rig.sealed)
    return Seal(seals.registry, dev.ca_cert, sealed, dict(rig.seal_env), folder / "cold-blobs")


def run(args: argparse.Namespace) -> list[Figure]:
    from bench._common import REGION, TABLE
    from bench.round_trips import local_stack
    from tests.flows import op

    repeat = args.repeat or (3 if args.quick else 15)
    with (
        local_stack() as (_seed, endpoint),
        tempfile.TemporaryDirectory(prefix="uap-bench-pyc-") as tmp,
    ):
        bytecode = Bytecode(Path(tmp) / "cached", Path(tmp) / "source")
        seal = prepare_seal(Path(tmp) / "seal")
        found = discover()
        event = api_gateway_event("{ __typename }")
        app_code = _APP.format(event=event)
        page_code = _CATALOGUE.format(event=api_gateway_event(op("CatalogueBrowse"), {"first": 20}))
        floor_ddb_code = floor_code(found.modules, (REGION, endpoint, TABLE))
        issue_code = _ISSUE.format(registry=str(seal.registry), seal_env=seal.seal_env, blobs=str(seal.blobs))
        verify_code = _VERIFY.format(sealed=str(seal.sealed), ca=str(seal.ca), registry=str(seal.registry))
        compiled = bytecode.env(compiled=True)
        on_server = {**compiled, "UAP_DYNAMODB_ENDPOINT": endpoint, "UAP_TABLE_NAME": TABLE}
        # name -> (program, environment)
        programs = {
            "app": (app_code, compiled),
            "app_source": (app_code, bytecode.env(compiled=False)),
            "floor": (floor_code(found.modules), compiled),
            "floor_top": (floor_code(found.top_level), compiled),
            "page": (page_code, on_server),
            "floor_ddb": (floor_ddb_code, on_server),
            "issue": (issue_code, on_server),
            "verify": (verify_code, on_server),
        }
        print(f"cold_start: {repeat} repetitions, one fresh interpreter per measurement; {machine()}")
        print(f"  `import app` loads {len(found.modules)} third-party modules from: {', '.join(found.top_level)}")
        for name in programs:  # compile into the private .pyc tree; not counted
            if name != "app_source":
                _python(*programs[name])
        bytecode.split()
        _python(*programs["app_source"])  # warm the page cache for it too
        samples: dict[str, list[list[float]]] = {name: [] for name in programs}
        order = list(programs)
        for i in range(repeat):
            shift = i % len(order)  # rotate so that no measurement always runs first
            for name in order[shift:] + order[:shift]:
                out = json.loads(_python(*programs[name]))
                samples[name].append(out if isinstance(out, list) else [out])

    def stats(name: str, k: int = 0) -> Stats:
        return Stats.of([s[k] for s in samples[name]])

    s_floor, s_top = stats("floor"), stats("floor_top")
    s_import, s_schema, s_first, s_client = (stats("app", k) for k in range(4))
    s_source, s_source_first = stats("app_source"), stats("app_source", 2)
    s_floor_imports, s_floor_ddb = stats("floor_ddb"), stats("floor_ddb", 1)
    s_page_import, s_page = stats("page"), stats("page", 1)
    s_issue, s_verify = stats("issue", 1), stats("verify", 1)
    print(row(f"floor: import the {len(found.modules)} third-party modules", s_floor))
    print(row("(floor of top-level packages only, informational)", s_top))
    print(row("import app", s_import))
    print(row("  + the schema: import the GraphQL types, build", s_schema))
    print(row("  + first `{ __typename }` through the handler", s_first))
    print(row("  + DynamoDB client created (no network)", s_client))
    print(row("import app, app.py + chalicelib/ from source", s_source))
    print(row("  + schema + first response", s_source_first))
    print(row("floor [1']: the same imports", s_floor_imports))
    print(row("  + DynamoDB client + one GetItem (DynamoDB Local)", s_floor_ddb))
    print(row("import app (against DynamoDB Local)", s_page_import))
    print(row("  + first catalogue page through the handler", s_page))
    print(row("import app + first issuance (render, seal, store)", s_issue))
    print(row("import app + first verification", s_verify))
    print(
        f"  our own code adds {ms(s_import.median - s_floor.median)} to the import "
        f"(+{ms(s_source.median - s_import.median)} more when compiled from source), "
        f"{ms(s_first.median - s_import.median)} for schema + first response, "
        f"and creating the DynamoDB client {ms(s_client.median - s_first.median)}"
    )
    print(
        f"  the first catalogue page costs {ms(s_page.median - s_page_import.median)} after `import app`; "
        f"the floor's client + one GetItem {ms(s_floor_ddb.median - s_floor_imports.median)}; "
        f"after `import app` the first issuance costs {ms(s_issue.median - s_import.median)}, "
        f"the first verification {ms(s_verify.median - s_import.median)} (both informational)"
    )
    cpu_page, cpu_floor = stats("page", 2), stats("floor_ddb", 2)
    print(
        f"  in process time (CPU, which a shared machine's queueing does not inflate; informational): "
        f"the page {ms(cpu_page.median)}, floor [1'] {ms(cpu_floor.median)}: {cpu_page.median / cpu_floor.median:.2f}x"
    )
    ratio = s_page.median / s_floor_ddb.median
    verdict = "met" if ratio <= CATALOGUE_TARGET else "NOT met"
    print(f"TARGET cold_start.first_catalogue_page <= {CATALOGUE_TARGET}x: {verdict} ({ratio:.2f}x)")
    floor_meaning = "fresh interpreter importing the third-party modules app loads"
    floor_ddb_meaning = (
        "fresh interpreter importing the third-party modules app loads, creating a DynamoDB client "
        "and making one GetItem on DynamoDB Local"
    )
    return [
        Figure(
            "cold_start.first_catalogue_page",
            s_page.median,
            s_floor_ddb.median,
            "import app + first catalogue page (CatalogueBrowse, 20) through the Lambda handler on DynamoDB Local",
            floor_ddb_meaning,
        ),
        Figure(
            "cold_start.first_issuance",
            s_issue.median,
            s_floor_ddb.median,
            "import app + first issuance: render + seal + store (informational)",
            floor_ddb_meaning,
        ),
        Figure(
            "cold_start.first_verification",
            s_verify.median,
            s_floor_ddb.median,
            "import app + first verification of a sealed certificate (informational)",
            floor_ddb_meaning,
        ),
        Figure("cold_start.import_app", s_import.median, s_floor.median, "import app", floor_meaning),
        Figure(
            "cold_start.first_response",
            s_first.median,
            s_floor.median,
            "import app + the schema (types imported, built) + first `{ __typename }` through the Lambda handler",
            floor_meaning,
        ),
        Figure(
            "cold_start.first_response_ddb_client",
            s_client.median,
            s_floor.median,
            "first response + creating the DynamoDB client (no network)",
            floor_meaning,
        ),
        Figure(
            "cold_start.import_app_from_source",
            s_source.median,
            s_floor.median,
            "import app with app.py and chalicelib/ compiled from source (no .pyc)",
            floor_meaning,
        ),
        Figure(
            "cold_start.import_app_vs_toplevel",
            s_import.median,
            s_top.median,
            "import app",
            "fresh interpreter importing only the top-level third-party packages (informational)",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    figures = run(parse_args(argv))
    print_figures(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
