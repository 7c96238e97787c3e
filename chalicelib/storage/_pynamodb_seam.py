"""The one place that reaches into PynamoDB's private names (checked against PynamoDB 6.1.0).

Why it exists: the repositories need a few things PynamoDB's public API does not give:

- the model's **table connection** (`Model._get_connection()`): a Query with an exclusive start
  key and a limit of our choosing (cursor pages), an UpdateItem that returns the new counter
  (rate limits), and the low-level `Connection` a `TransactWrite` runs on (the unit of work);
- **dropping the cached connection** (`Model._connection`) when the table or endpoint changes
  (tests, the local stack); indexes keep none of their own in 6.1 (they query through their
  model), so dropping the model's is enough;
- the model's **table schema** (`Model._get_schema()`, typed by `pynamodb._schema.ModelSchema`),
  from which the CloudFormation table is rendered so the two cannot drift;
- for the benches, **wrapping every low-level call** (`Connection._make_api_call`) to count and
  time DynamoDB requests.

Everything else uses public names and the plain functions below. `tests/unit/test_library_seams.py`
fails with a clear message when the installed PynamoDB is not the pinned one or one of these
names changed shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pynamodb.connection.base import Connection
from pynamodb.connection.table import TableConnection
from pynamodb.models import Model

if TYPE_CHECKING:  # pragma: no cover
    from pynamodb._schema import ModelSchema

__all__ = [
    "CHECKED_VERSION",
    "ApiCall",
    "client_connection",
    "forget_connection",
    "table_connection",
    "table_schema",
    "use_table_connection",
    "wrapped_api_calls",
]

#: The PynamoDB release these internals were read from (requirements.txt pins it).
CHECKED_VERSION = "6.1.0"

#: `Connection._make_api_call(self, operation_name, operation_kwargs)`: one DynamoDB request.
ApiCall = Callable[[Connection, str, dict[str, Any]], Any]


def table_connection(model: type[Model]) -> TableConnection:
    """The model's table connection (created and cached by PynamoDB on first use)."""
    return model._get_connection()


def client_connection(model: type[Model]) -> Connection:
    """The low-level connection under the model's table connection (what `TransactWrite` takes)."""
    return model._get_connection().connection


def forget_connection(model: type[Model]) -> None:
    """Drop the connection the model cached (its indexes use the model's), so the next request
    uses the model's current `Meta` (table name, host, region)."""
    model._connection = None


def use_table_connection(model: type[Model], connection: TableConnection) -> None:
    """Make `connection` (one `table_connection` returned earlier) the model's cached one, table
    name included: bench.volume alternates two tables sample by sample without a new client each time."""
    model.Meta.table_name = connection.table_name
    model._connection = connection


def table_schema(model: type[Model]) -> ModelSchema:
    """The CreateTable arguments PynamoDB derives from the model (keys, attributes, indexes)."""
    return model._get_schema()


@contextmanager
def wrapped_api_calls(wrap: Callable[[ApiCall], ApiCall]) -> Iterator[None]:
    """While open, every DynamoDB request PynamoDB sends in this process goes through
    ``wrap(original)`` (the benches count and time them)."""
    original = Connection._make_api_call
    Connection._make_api_call = wrap(original)  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]
