"""Loaded by the schemathesis CLI (`SCHEMATHESIS_HOOKS=tests.http.schemathesis_hooks`) in
`tests/http/test_fuzzing.py`: schemathesis' own `not_a_server_error`, told how this API answers.

`not_a_server_error` fails an HTTP 5xx. For GraphQL it also fails every error raised while
resolving a field unless the error carries one of a few Apollo/graphql-java markers
(`BAD_USER_INPUT`, ...), so this API's coded, documented answers (`NOT_FOUND`, `FORBIDDEN`,
`INVALID_ID`, each with a Chinese message) would count as server errors. This check runs
`not_a_server_error` and keeps its verdict for 5xx and for every GraphQL error that is not such a
coded answer: an error without a code, or the masked `INTERNAL_ERROR` of a bug, still fails.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.graphql.checks import GraphQLServerError

MASKED = "INTERNAL_ERROR"


def _coded_answer(error: Any) -> bool:
    extensions = error.get("extensions") if isinstance(error, dict) else None
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return isinstance(code, str) and bool(code) and code != MASKED


@schemathesis.check
def no_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """`not_a_server_error`, accepting GraphQL errors that are coded answers of this API."""
    try:
        return not_a_server_error(ctx, response, case)
    except GraphQLServerError as failure:
        if all(_coded_answer(error) for error in failure.errors):
            return None
        raise
