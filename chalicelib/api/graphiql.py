"""GraphiQL for the local stage, working offline: the page and its scripts come from this app.

The scripts are the npm packages pinned in `package.json`/`package-lock.json` (graphiql 3.9.0
with its UMD bundle, React and ReactDOM 18.3.1), installed by `scripts/bootstrap` (`npm ci`)
and served from `node_modules/` by `GET /graphiql/{asset}`. Nothing is fetched from a CDN. Other
stages answer 404: `node_modules/` is not in the Lambda package and GraphiQL needs
introspection, which only the local stage allows. Tokens go into GraphiQL's headers pane as
`{"Authorization": "Bearer …"}` (`scripts/tokens` prints them).
"""

from __future__ import annotations

from pathlib import Path

from chalice.app import Response

from chalicelib.config import Settings, get_settings

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"

# Served name -> file inside node_modules (a fixed list: no path from the URL reaches the disk).
ASSETS: dict[str, tuple[str, str]] = {
    "react.production.min.js": ("react/umd/react.production.min.js", "text/javascript"),
    "react-dom.production.min.js": ("react-dom/umd/react-dom.production.min.js", "text/javascript"),
    "graphiql.min.js": ("graphiql/graphiql.min.js", "text/javascript"),
    "graphiql.min.css": ("graphiql/graphiql.min.css", "text/css"),
}

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一审批平台 GraphiQL</title>
<link rel="stylesheet" href="graphiql/graphiql.min.css"></head>
<body style="margin:0"><div id="graphiql" style="height:100vh"></div>
<script src="graphiql/react.production.min.js"></script>
<script src="graphiql/react-dom.production.min.js"></script>
<script src="graphiql/graphiql.min.js"></script>
<script>ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, {
  fetcher: GraphiQL.createFetcher({url: location.pathname,
    headers: {Accept: 'application/graphql-response+json, application/json'}})}));</script>
</body></html>"""


def graphiql_page() -> Response:
    return Response(PAGE, headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})


def graphiql_asset(name: str, settings: Settings | None = None) -> Response:
    """One pinned GraphiQL file; 404 outside the local stage or when `npm ci` has not run."""
    settings = settings or get_settings()
    known = ASSETS.get(name)
    if not settings.is_local or known is None or not (NODE_MODULES / known[0]).is_file():
        return Response("not found", status_code=404, headers={"Content-Type": "text/plain; charset=utf-8"})
    relative, kind = known
    return Response(
        (NODE_MODULES / relative).read_text(encoding="utf-8"),
        headers={"Content-Type": f"{kind}; charset=utf-8", "Cache-Control": "public, max-age=3600"},
    )
