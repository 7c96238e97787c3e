"""Write `graphql/schema.graphql` from the code (the contract clients build against).

python -m infra.schema_export          # rewrite the file
python -m infra.schema_export --check  # exit 1 if the file is out of date (CI)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from strawberry.printer import print_schema

from chalicelib.api.schema import build_schema
from chalicelib.config import Settings

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "graphql" / "schema.graphql"


def render() -> str:
    return print_schema(build_schema(Settings())) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text(encoding="utf-8") != text:
            print("graphql/schema.graphql is out of date: run python -m infra.schema_export", file=sys.stderr)
            return 1
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
