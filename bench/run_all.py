"""Run every benchmark and print one summary table of ratios (each against its same-run floor).

python -m bench.run_all [--quick]
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from time import perf_counter

from bench import certificates, cold_start, lifecycle, package_size, request, round_trips
from bench._common import Figure, machine, ms

Bench = tuple[str, Callable[[Sequence[str] | None], argparse.Namespace], Callable[[argparse.Namespace], list[Figure]]]
BENCHES: list[Bench] = [
    ("cold_start", cold_start.parse_args, cold_start.run),
    ("request", request.parse_args, request.run),
    ("lifecycle", lifecycle.parse_args, lifecycle.run),
    ("round_trips", round_trips.parse_args, round_trips.run),
    ("certificates", certificates.parse_args, certificates.run),
]


def summary(figures: Sequence[Figure]) -> str:
    """The ratios as a table, then each distinct floor spelled out once."""
    floors = list(dict.fromkeys(f.floor_meaning for f in figures))
    width = max(len(f.name) for f in figures)
    lines = [f"{'figure':<{width}}  {'ratio':>8}  {'median':>10}  {'floor':>10}  floor is"]
    for f in figures:
        lines.append(
            f"{f.name:<{width}}  {f.ratio:7.2f}x  {ms(f.value):>10}  {ms(f.floor):>10}  "
            f"[{floors.index(f.floor_meaning) + 1}]"
        )
    lines += [f"[{n}] {meaning}" for n, meaning in enumerate(floors, 1)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run of every benchmark")
    args = parser.parse_args(argv)
    passed = ["--quick"] if args.quick else []
    figures: list[Figure] = []
    failed: list[str] = []
    started = perf_counter()
    for name, parse, run in BENCHES:
        print(f"=== {name} ===", flush=True)
        try:
            figures += run(parse(passed))
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(flush=True)
        if name == "cold_start":  # what is loaded, beside how long loading it takes
            print("=== package size and footprint ===", flush=True)
            try:
                # A full run builds the package when none is built, so the size is always reported.
                lines = package_size.report(build_if_missing=not args.quick)
                print("\n".join(lines), end="\n\n", flush=True)
            except Exception:
                traceback.print_exc()
                failed.append("package_size")
    print(f"=== summary ({'quick smoke run, not a measurement' if args.quick else 'full run'}; {machine()}) ===")
    if figures:
        print(summary(figures))
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    print(f"total {perf_counter() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
