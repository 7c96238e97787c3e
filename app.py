"""Chalice entry point: routes only. Everything else lives in chalicelib/ and signing/."""

from chalice import Chalice, Response
from chalice.app import CloudWatchEvent, Rate

from chalicelib import observability, startup  # startup pauses the garbage collector until the end of this file
from chalicelib.api.snapstart import register as register_snapstart_hooks
from chalicelib.api.view import graphql_response
from chalicelib.domain.uploads import UPLOAD_CONTENT_TYPES
from chalicelib.lambda_hooks import http_middleware, in_lambda, scheduled

# Every route but /graphql imports its handler on its first call (and the SnapStart hook before
# the snapshot): a cold start serving the API does not load the certificate, verification and
# scheduled-job modules (bench/README.md `cold_start`). The handlers live in chalicelib/ as before.

if in_lambda():
    observability.configure_logging()  # JSON lines at INFO (see chalicelib/observability.py)
register_snapstart_hooks()  # only where the runtime has SnapStart's hooks: chalicelib/api/snapstart.py

app = Chalice(app_name="unified-approval")
app.api.binary_types.append("application/pdf")  # POST /verify bodies and certificate downloads, intact
app.register_middleware(http_middleware, "http")  # correlation id on every request's log lines


@app.route("/graphql", methods=["GET", "POST"])
def graphql() -> Response:
    request = app.current_request
    assert request is not None
    return graphql_response(request)


@app.route("/graphiql/{asset}", methods=["GET"])
def graphiql(asset: str) -> Response:
    """GraphiQL's pinned scripts, local stage only (offline): see chalicelib/api/graphiql.py."""
    from chalicelib.api.graphiql import graphiql_asset

    return graphiql_asset(asset)


@app.route("/uploads/{token}", methods=["PUT"], content_types=list(UPLOAD_CONTENT_TYPES))
def upload(token: str) -> Response:
    """Local stage only (material files go to S3 elsewhere): see chalicelib/api/uploads.py."""
    request = app.current_request
    assert request is not None
    from chalicelib.api.uploads import handle_upload

    return handle_upload(request, token)


@app.route("/verification-uploads/{token}", methods=["POST"], content_types=["multipart/form-data"])
def verification_upload(token: str) -> Response:
    """Local stage only (verification uploads go to S3 elsewhere): chalicelib/api/verification_upload_route.py."""
    request = app.current_request
    assert request is not None
    from chalicelib.api.verification_upload_route import handle_verification_upload

    return handle_verification_upload(request, token)


@app.route("/verify", methods=["POST"], content_types=["application/pdf", "application/json"])
def verify() -> Response:
    """Third parties verify a certificate PDF, or look one up by licence identifier (JSON):
    see chalicelib/api/verify_route.py."""
    request = app.current_request
    assert request is not None
    from chalicelib.api.verify_route import handle_verify

    return handle_verify(request)


@app.route("/status-lists/{bureau}", methods=["GET"])
def status_list(bureau: str) -> Response:
    """A bureau's signed status list (offline kit): see chalicelib/api/offline_kit_routes.py."""
    request = app.current_request
    assert request is not None
    from chalicelib.api.offline_kit_routes import handle_status_list

    return handle_status_list(bureau, request)


@app.route("/seal-registry", methods=["GET"])
def seal_registry() -> Response:
    """The seal registry export verifiers pin (offline kit): see chalicelib/api/offline_kit_routes.py."""
    from chalicelib.api.offline_kit_routes import handle_seal_registry

    return handle_seal_registry()


@app.route("/v/{code}", methods=["GET"])
def public_page(code: str) -> Response:
    """The page a certificate's QR code links to: see chalicelib/api/public_page.py."""
    request = app.current_request
    assert request is not None
    from chalicelib.api.public_page import handle_public_page

    return handle_public_page(code, request)


@app.schedule(Rate(1, unit=Rate.HOURS))
def deadline_sweep(event: CloudWatchEvent) -> dict[str, int]:
    """Apply passed deadlines and raise warnings (电子监察): chalicelib/services/sweep.py.
    Stops before the timeout; raises after all phases ran if one failed."""
    from chalicelib.services.sweep import scheduled_sweep

    with scheduled(event, "deadline_sweep"):
        return scheduled_sweep(event.context)


@app.schedule(Rate(1, unit=Rate.MINUTES))
def outbox_relay(event: CloudWatchEvent) -> int:
    """Deliver notifications a crash left pending (exactly once): chalicelib/services/outbox.py.
    Stops before the timeout; raises after the others were delivered if one failed."""
    from chalicelib.services.outbox import scheduled_relay

    with scheduled(event, "outbox_relay"):
        return scheduled_relay(event.context)


startup.finished()  # the collector runs again, start-up's objects frozen: see chalicelib/startup.py
