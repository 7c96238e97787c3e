"""Run every benchmark and print one summary table of ratios (each against its same-run floor).

Then every issue 14 target with its verdict: each bench prints `TARGET <figure> <target>: met /
NOT met (...)` lines and this collects them from its output, whoever wrote the bench; a target
group the issue names that printed nothing is listed as not measured.

python -m bench.run_all [--quick] [--strict] [--runs N]
    --strict: exit 1 when any target is NOT met
    --runs N: every bench N times in turn; a target is met only when it is met in every run
              (issue 14's "met over three runs" is `--runs 3`)
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from time import perf_counter
from typing import TextIO

from bench import certificates, cold_start, lifecycle, package_size, request, round_trips, volume, warm
from bench._common import Figure, machine, ms

Bench = tuple[str, Callable[[Sequence[str] | None], argparse.Namespace], Callable[[argparse.Namespace], list[Figure]]]
BENCHES: list[Bench] = [
    ("cold_start", cold_start.parse_args, cold_start.run),
    ("request", request.parse_args, request.run),
    ("warm", warm.parse_args, warm.run),
    ("lifecycle", lifecycle.parse_args, lifecycle.run),
    ("round_trips", round_trips.parse_args, round_trips.run),
    ("volume", volume.parse_args, volume.run),
    ("certificates", certificates.parse_args, certificates.run),
]
# Issue 14's figures, by the prefix of their TARGET lines (point: what it asks).
EXPECTED_TARGETS = {
    "round_trips.": "1 round trips at their minimum (requests per operation)",
    "cold_start.": "2 cold start <= 1.2x the dependency floor",
    "warm.": "3 warm Python cost <= 1.5x bare strawberry",
    "certificates.": "4 issuing and verifying against bare pyHanko",
    "package.": "5 package under the Lambda limits",
    "volume.": "7 flat with volume <= 1.2x from 1k to 10k cases",
}
TARGET_LINE = re.compile(r"^TARGET (\S+) (.+?): (met|NOT met|not measured)\b ?(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Target:
    """One `TARGET` line a bench printed."""

    name: str
    target: str
    verdict: str
    detail: str


class _Tee(io.TextIOBase):
    """Writes through to the real stdout and keeps a copy (the TARGET lines are read from it)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.kept = io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()


@contextmanager
def teed() -> Iterator[_Tee]:
    tee = _Tee(sys.stdout)
    with redirect_stdout(tee):  # type: ignore[type-var]
        yield tee


def targets_in(text: str) -> list[Target]:
    return [Target(*m.groups()) for m in TARGET_LINE.finditer(text)]


def target_summary(found: Sequence[Target]) -> tuple[str, bool]:
    """Every target with its verdict, then the issue's target groups that printed nothing.
    Returns the text and whether everything is met."""
    lines = []
    width = max([len(t.name) for t in found] + [10])
    for t in found:
        lines.append(f"{t.name:<{width}}  {t.target:<14}  {t.verdict:<12}  {t.detail}")
    missing = [
        (prefix, what) for prefix, what in EXPECTED_TARGETS.items() if not any(t.name.startswith(prefix) for t in found)
    ]
    lines += [
        f"{prefix + '*':<{width}}  {'':<14}  not measured  (no TARGET line printed: point {what})"
        for prefix, what in missing
    ]
    all_met = not missing and all(t.verdict == "met" for t in found)
    met = sum(t.verdict == "met" for t in found)
    lines.append(f"targets: {met} met, {len(found) - met} NOT met or not measured, {len(missing)} groups missing")
    return "\n".join(lines), all_met


def over_runs(runs: Sequence[Sequence[Target]]) -> list[Target]:
    """One target per name over several runs: met only when every run met it (a target a run did not
    print counts as not measured in that run); the detail lists each run's verdict and detail."""
    names = list(dict.fromkeys(t.name for run in runs for t in run))
    combined = []
    for name in names:
        per_run = [next((t for t in run if t.name == name), None) for run in runs]
        first = next(t for t in per_run if t is not None)
        verdicts = [t.verdict if t else "not measured" for t in per_run]
        verdict = (
            "met" if all(v == "met" for v in verdicts) else ("NOT met" if "NOT met" in verdicts else "not measured")
        )
        detail = "; ".join(
            f"run {n}: {t.verdict} {t.detail}".rstrip() if t else f"run {n}: not measured"
            for n, t in enumerate(per_run, 1)
        )
        combined.append(Target(name, first.target, verdict, detail))
    return combined


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
    parser.add_argument("--strict", action="store_true", help="exit 1 when any target is NOT met or not measured")
    parser.add_argument("--only", nargs="+", choices=[b[0] for b in BENCHES], help="run only these benches")
    parser.add_argument("--runs", type=int, default=1, help="run everything N times; met = met in every run")
    args = parser.parse_args(argv)
    passed = ["--quick"] if args.quick else []
    figures: list[Figure] = []
    failed: list[str] = []
    runs: list[list[Target]] = []
    started = perf_counter()
    for number in range(1, max(1, args.runs) + 1):
        figures = []
        with teed() as tee:
            for name, parse, run in BENCHES:
                if args.only and name not in args.only:
                    continue
                print(f"=== {name} (run {number} of {args.runs}) ===", flush=True)
                try:
                    figures += run(parse(passed))
                except Exception:
                    traceback.print_exc()
                    failed.append(f"{name} (run {number})")
                print(flush=True)
                # What is loaded, beside how long loading it takes; in every run, so that a run of
                # `--runs N` has the package's verdict too (it was in run 1 only: "not measured").
                if name == "cold_start":
                    print("=== package size and footprint ===", flush=True)
                    try:
                        # A full run builds the package when none is built, so the size is always reported.
                        lines = package_size.report(build_if_missing=not args.quick)
                        print("\n".join(lines), end="\n\n", flush=True)
                    except Exception:
                        traceback.print_exc()
                        failed.append("package_size")
        runs.append(targets_in(tee.kept.getvalue()))
        if args.runs > 1:
            print(f"=== figures of run {number} ===")
            if figures:
                print(summary(figures), end="\n\n", flush=True)
    found = over_runs(runs) if len(runs) > 1 else runs[0]
    kind = "quick smoke run, not a measurement" if args.quick else f"{len(runs)} full run(s)"
    print(f"=== summary ({kind}; {machine()}) ===")
    if figures and len(runs) == 1:
        print(summary(figures))
    print(f"\n=== issue 14 targets{' (quick: verdicts of a smoke run mean nothing)' if args.quick else ''} ===")
    if len(runs) > 1:
        print(f"(over {len(runs)} runs: met only when met in every run)")
    text, all_met = target_summary(found)
    print(text)
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    print(f"total {perf_counter() - started:.1f} s")
    if failed:
        return 1
    return 1 if args.strict and not all_met else 0


if __name__ == "__main__":
    sys.exit(main())
