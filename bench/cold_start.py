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

# Imports a tuple of modules (tolerating any that only exist as a side effect of another).
_FLOOR = """
import time
_MODULES = {modules!r}
_t0 = time.perf_counter()
for _name in _MODULES:
    try:
        __import__(_name)
    except Exception:
        pass
print(time.perf_counter() - _t0)
"""

# The cold start itself, phase by phase (cumulative times from the first import).
_APP = """
import time
_t0 = time.perf_counter()
import app
_t1 = time.perf_counter()
from chalicelib.api.schema import build_schema
from chalicelib.config import get_settings
build_schema(get_settings())
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


def run(args: argparse.Namespace) -> list[Figure]:
    repeat = args.repeat or (3 if args.quick else 15)
    with tempfile.TemporaryDirectory(prefix="uap-bench-pyc-") as tmp:
        bytecode = Bytecode(Path(tmp) / "cached", Path(tmp) / "source")
        found = discover()
        event = api_gateway_event("{ __typename }")
        app_code = _APP.format(event=event)
        # name -> (program, environment)
        programs = {
            "app": (app_code, bytecode.env(compiled=True)),
            "app_source": (app_code, bytecode.env(compiled=False)),
            "floor": (_FLOOR.format(modules=tuple(found.modules)), bytecode.env(compiled=True)),
            "floor_top": (_FLOOR.format(modules=tuple(found.top_level)), bytecode.env(compiled=True)),
        }
        print(f"cold_start: {repeat} repetitions, one fresh interpreter per measurement; {machine()}")
        print(f"  `import app` loads {len(found.modules)} third-party modules from: {', '.join(found.top_level)}")
        for name in ("app", "floor", "floor_top"):  # compile into the private .pyc tree; not counted
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
    s_floor = Stats.of([s[0] for s in samples["floor"]])
    s_top = Stats.of([s[0] for s in samples["floor_top"]])
    s_import, s_schema, s_first, s_client = (Stats.of([s[k] for s in samples["app"]]) for k in range(4))
    s_source = Stats.of([s[0] for s in samples["app_source"]])
    s_source_first = Stats.of([s[2] for s in samples["app_source"]])
    print(row(f"floor: import the {len(found.modules)} third-party modules", s_floor))
    print(row("(floor of top-level packages only, informational)", s_top))
    print(row("import app", s_import))
    print(row("  + build_schema", s_schema))
    print(row("  + first `{ __typename }` through the handler", s_first))
    print(row("  + DynamoDB client created (no network)", s_client))
    print(row("import app, app.py + chalicelib/ from source", s_source))
    print(row("  + build_schema + first response", s_source_first))
    print(
        f"  our own code adds {ms(s_import.median - s_floor.median)} to the import "
        f"(+{ms(s_source.median - s_import.median)} more when compiled from source), "
        f"{ms(s_first.median - s_import.median)} for schema + first response, "
        f"and creating the DynamoDB client {ms(s_client.median - s_first.median)}"
    )
    floor_meaning = "fresh interpreter importing the third-party modules app loads"
    return [
        Figure("cold_start.import_app", s_import.median, s_floor.median, "import app", floor_meaning),
        Figure(
            "cold_start.first_response",
            s_first.median,
            s_floor.median,
            "import app + build_schema + first `{ __typename }` through the Lambda handler",
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
