"""What a deployment costs in space: the Lambda package and the process footprint.

- the package `python -m infra.package` built (`build/<stage>/deployment.zip`, or built now with
  `--build`): zipped (Lambda's direct upload limit is 50 MB) and unzipped (250 MB);
- the memory footprint in a fresh interpreter: peak RSS after `import app` and after issuing
  one certificate (render + seal + store), which `.chalice/config.json` sizes memory from.

    python -m bench.package_size [--build] [--stage prod]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from bench._common import ROOT

MIB = 2**20
LIMIT_ZIPPED = 50_000_000
LIMIT_UNZIPPED = 250_000_000

_FOOTPRINT = """
import json, resource, sys, tempfile
from pathlib import Path
def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
import app
steady = rss()
from bench.certificates import build_rig
with tempfile.TemporaryDirectory() as folder:
    rig = build_rig(Path(folder))
    rig.issue()
print(json.dumps({"after_import": steady, "after_sealing": rss()}))
"""


def package_sizes(zip_path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(zip_path) as archive:
        return zip_path.stat().st_size, sum(i.file_size for i in archive.infolist())


def footprint() -> dict[str, int]:
    result = subprocess.run(
        [sys.executable, "-c", _FOOTPRINT], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    found: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def report(stage: str = "prod", build: bool = False, build_if_missing: bool = False) -> list[str]:
    """The lines to print (also used by bench.run_all beside the cold start)."""
    zip_path = ROOT / "build" / stage / "deployment.zip"
    if build or (build_if_missing and not zip_path.exists()):
        from infra.package import build as build_package

        build_package(stage, zip_path.parent)
    lines = []
    if zip_path.exists():
        zipped, unzipped = package_sizes(zip_path)
        lines.append(
            f"package {zip_path.relative_to(ROOT)}: {zipped / MIB:.1f} MiB zipped "
            f"({zipped / LIMIT_ZIPPED:.0%} of 50 MB), {unzipped / MIB:.1f} MiB unzipped ({unzipped / LIMIT_UNZIPPED:.0%} of 250 MB)"
        )
        lines.append(
            f"TARGET package.zipped < 50 MB: {'met' if zipped < LIMIT_ZIPPED else 'NOT met'} ({zipped / MIB:.1f} MiB)"
        )
        lines.append(
            f"TARGET package.unzipped < 250 MB: {'met' if unzipped < LIMIT_UNZIPPED else 'NOT met'} "
            f"({unzipped / MIB:.1f} MiB)"
        )
    else:
        lines.append(f"package: not built (python -m infra.package --stage {stage} --out build/{stage}, or --build)")
        lines.append("TARGET package.zipped < 50 MB: not measured (package not built)")
    rss = footprint()
    lines.append(
        f"footprint: {rss['after_import'] / MIB:.0f} MiB after import app, "
        f"{rss['after_sealing'] / MIB:.0f} MiB after issuing a certificate (peak RSS)"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.package_size", description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="build the package first (python -m infra.package)")
    parser.add_argument("--stage", default="prod")
    args = parser.parse_args(argv)
    for line in report(args.stage, args.build):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
