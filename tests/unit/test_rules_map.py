"""`docs/RULES.md` cannot rot: every function and test it names exists, every seed-named test is in it.

The map is read as Markdown: in each table whose header starts with `| Clause |`, a row names
functions as backticked import paths (`chalicelib.domain.x.f`, `pkg.module.Class.method`) and
tests as backticked `tests/<path>.py::test_name`. A test path that went stale (files are split
and moved) still passes when `def test_name` exists somewhere under `tests/`; the stale path is
reported as a warning, and only a test defined nowhere fails.

As a script it prints what is missing and adds rows:

    python tests/unit/test_rules_map.py                      # problems, with the command to fix each
    python tests/unit/test_rules_map.py add CLAUSE RULE FUNCTIONS TESTS
        # FUNCTIONS, TESTS: comma-separated; the row goes at the end of the seed's table, e.g.
        # add "004 二(五)" "一次告知制 one-time notice" chalicelib.domain.application.issue_notice \\
        #     tests/e2e/test_x.py::test_seed004_y
"""

from __future__ import annotations

import importlib
import re
import sys
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "RULES.md"
TESTS = ROOT / "tests"

CODE = re.compile(r"`([^`]+)`")
TEST_REF = re.compile(r"^tests/[\w/]+\.py::(\w+)$")
FUNCTION_REF = re.compile(r"^(?:chalicelib|signing|infra)(?:\.\w+)+$")
SEED_TEST = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(test_seed(\d{3})_\w+)[ \t]*\(", re.M)
TABLE_HEADER = "| Clause |"


@dataclass(frozen=True)
class Row:
    line: int
    functions: tuple[str, ...]
    tests: tuple[str, ...]


def parse(text: str) -> list[Row]:
    """Rule rows: table lines under a `| Clause |` header, up to the first non-table line."""
    rows: list[Row] = []
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(TABLE_HEADER):
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        if not in_table or set(line) <= set("|-: "):
            continue
        codes = CODE.findall(line)
        rows.append(
            Row(
                number,
                tuple(c for c in codes if FUNCTION_REF.match(c)),
                tuple(c for c in codes if TEST_REF.match(c)),
            )
        )
    return rows


def resolve(path: str) -> object:
    """Import the longest importable module prefix of `path`, then getattr the rest."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            target: object = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name) and cut > 1:
                continue  # not a module (yet): try a shorter prefix
            raise
        for attribute in parts[cut:]:
            target = getattr(target, attribute)  # AttributeError names what is missing
        return target
    raise ModuleNotFoundError(path)


@cache
def defined_tests() -> dict[str, tuple[str, ...]]:
    """Every `def test_…` under tests/ -> the files (relative to the root) that define it."""
    found: dict[str, list[str]] = {}
    pattern = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(test_\w+)[ \t]*\(", re.M)
    for path in sorted(TESTS.rglob("*.py")):
        for name in pattern.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(path.relative_to(ROOT).as_posix())
    return {name: tuple(files) for name, files in found.items()}


def seed_tests() -> dict[str, tuple[str, str]]:
    """Every seed-named test (`test_seed00N_…`) -> (its file, its seed number)."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        for name, seed in SEED_TEST.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, (path.relative_to(ROOT).as_posix(), seed))
    return found


def rows() -> list[Row]:
    return parse(RULES.read_text(encoding="utf-8"))


def function_problems(all_rows: list[Row]) -> list[str]:
    problems = []
    for row in all_rows:
        for name in row.functions:
            try:
                resolve(name)
            except (ImportError, AttributeError) as error:
                problems.append(f"docs/RULES.md:{row.line}: `{name}` does not exist ({type(error).__name__}: {error})")
    return problems


def named_test_problems(all_rows: list[Row]) -> tuple[list[str], list[str]]:
    """(missing tests, stale paths) named by the rows."""
    missing, stale = [], []
    defined = defined_tests()
    for row in all_rows:
        for ref in row.tests:
            file, name = ref.split("::")
            where = defined.get(name, ())
            if file in where:
                continue
            if where:
                stale.append(f"docs/RULES.md:{row.line}: `{ref}` moved: now in {', '.join(where)}")
            else:
                missing.append(
                    f"docs/RULES.md:{row.line}: `{ref}` is defined nowhere under tests/ (stale path: {file})"
                )
    return missing, stale


def add_command(name: str, file: str, seed: str) -> str:
    return (
        f'python tests/unit/test_rules_map.py add "{seed} <clause>" "<中文 term> <English rule>" '
        f"chalicelib.domain.<module>.<function> {file}::{name}"
    )


def unmapped(all_rows: list[Row]) -> list[str]:
    mapped = {ref.split("::")[1] for row in all_rows for ref in row.tests}
    problems = []
    for name, (file, seed) in sorted(seed_tests().items(), key=lambda item: (item[1][1], item[0])):
        if name not in mapped:
            problems.append(
                f"{file}::{name} is not in docs/RULES.md. Add its test path to the row of the rule it proves, "
                f"or add a row to the table of seed {seed}:\n"
                f"    | {seed} <clause> | <中文 term> <English rule> | `chalicelib.domain.<module>.<function>` | "
                f"`{file}::{name}` |\n"
                f"  or run: {add_command(name, file, seed)}"
            )
    return problems


def test_every_rule_row_names_its_code_and_a_test() -> None:
    bad = [f"docs/RULES.md:{r.line}" for r in rows() if not r.functions or not r.tests]
    assert not bad, "rule rows need at least one backticked function and one backticked test: " + ", ".join(bad)


def test_every_named_function_exists() -> None:
    problems = function_problems(rows())
    assert not problems, "\n".join(problems)


def test_every_named_test_exists() -> None:
    missing, stale = named_test_problems(rows())
    for line in stale:
        warnings.warn(line, stacklevel=1)
    assert not missing, "\n".join(missing)


def test_every_seed_named_test_is_in_the_map() -> None:
    problems = unmapped(rows())
    assert not problems, f"{len(problems)} seed-named test(s) missing from docs/RULES.md:\n" + "\n".join(problems)


def test_the_parser_reads_rows_and_ignores_prose() -> None:
    text = (
        "Intro `chalicelib.x.y`\n\n| Clause | Rule | Implemented by | Proved by |\n|---|---|---|---|\n"
        "| 004 二(五) | rule | `chalicelib.domain.a.b`<br>`signing.c.D.e` | `tests/unit/test_a.py::test_b` |\n\n"
        "| Source | Rule | State |\n|---|---|---|\n| x | `chalicelib.not.checked` | y |\n"
    )
    assert parse(text) == [Row(5, ("chalicelib.domain.a.b", "signing.c.D.e"), ("tests/unit/test_a.py::test_b",))]
    assert resolve("chalicelib.domain.working_days.WorkingDayCalendar.deadline") is not None


def add_row(clause: str, rule: str, functions: list[str], tests: list[str]) -> str:
    """Insert the row at the end of the table of the clause's seed (or of the tests' seed)."""
    for name in functions:
        resolve(name)
    defined = defined_tests()
    for ref in tests:
        if not TEST_REF.match(ref) or ref.split("::")[1] not in defined:
            raise SystemExit(f"not a test defined under tests/: {ref}")
    seed_match = re.match(r"\s*(\d{3})", clause) or re.search(r"test_seed(\d{3})_", " ".join(tests))
    if not seed_match:
        raise SystemExit("the clause must start with the seed number, e.g. '004 二(五)'")
    heading = f"## Seed {seed_match.group(1)}"
    cell = "<br>".join
    row = f"| {clause} | {rule} | {cell(f'`{f}`' for f in functions)} | {cell(f'`{t}`' for t in tests)} |"
    lines = RULES.read_text(encoding="utf-8").splitlines()
    try:
        start = lines.index(heading)
    except ValueError:
        raise SystemExit(f"no '{heading}' section in docs/RULES.md") from None
    end = start + 1
    while end < len(lines) and not lines[end].startswith(TABLE_HEADER):
        end += 1
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    lines.insert(end + 1, row)
    RULES.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return row


def main(argv: list[str]) -> int:
    if argv[:1] == ["add"]:
        if len(argv) != 5:
            print(__doc__)
            return 2
        _, clause, rule, functions, tests = argv
        print(add_row(clause, rule, functions.split(","), tests.split(",")))
        return 0
    all_rows = rows()
    missing, stale = named_test_problems(all_rows)
    problems = function_problems(all_rows) + missing + stale + unmapped(all_rows)
    print("\n".join(problems) or "docs/RULES.md is complete.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
