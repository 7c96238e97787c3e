"""The parser and validation caches actually hit for a repeated query (they cut per-request cost).

Validation goes through `_strawberry_seam.IdentityValidationCache`: a repeat is found by the parsed
document's identity and never reaches strawberry's own cache, so strawberry's cache sees the
document exactly once (one miss, no hits) however often it is sent."""

from __future__ import annotations

from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from chalicelib.api.context import RequestContext
from chalicelib.api.schema import build_schema
from chalicelib.config import Settings
from chalicelib.domain.identity import ANONYMOUS


def test_repeated_query_is_parsed_and_validated_once() -> None:
    settings = Settings(stage="cachetest")
    schema = build_schema(settings)
    query = "query CacheProbe { __typename }"
    validate, parse = _get_validate_cache(256), _get_parse_cache(256)
    before = validate.cache_info(), parse.cache_info().hits
    for _ in range(3):
        result = schema.execute_sync(query, context_value=RequestContext(ANONYMOUS, settings))
        assert result.errors is None
    after = validate.cache_info()
    assert (after.misses - before[0].misses, after.hits - before[0].hits) == (1, 0)  # validated once
    assert parse.cache_info().hits - before[1] >= 2
