"""Chalice entry point: routes only. Everything else lives in chalicelib/ and signing/."""

from chalice import Chalice, Response

from chalicelib.api.view import graphql_response

app = Chalice(app_name="unified-approval")


@app.route("/graphql", methods=["GET", "POST"])
def graphql() -> Response:
    request = app.current_request
    assert request is not None
    return graphql_response(request)
