"""Local developer experience (issue 16, point 6): GraphiQL works offline — headless Chromium,
with every host but 127.0.0.1 unresolvable, renders the editor from the app's own pinned
scripts — and `scripts/tokens` prints the port the running local API really listens on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from infra.local_stack import ROOT

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # offline: a CDN script would fail to load and the editor would not render
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--virtual-time-budget=15000",
)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium binary installed (Debian package chromium; scripts/bootstrap installs it)")


def test_page_loads_nothing_from_elsewhere(local_api: str) -> None:
    with urllib.request.urlopen(local_api, timeout=10) as response:
        page = response.read().decode()
    assert "unpkg.com" not in page and "cdn" not in page.lower() and "https://" not in page
    base = local_api.rsplit("/", 1)[0]
    for asset, kind in [("graphiql.min.js", "javascript"), ("graphiql.min.css", "css")]:
        with urllib.request.urlopen(f"{base}/graphiql/{asset}", timeout=10) as response:
            assert kind in response.headers["Content-Type"] and len(response.read()) > 10_000
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/graphiql/..%2Fpackage.json", timeout=10)
    assert missing.value.code == 404


def test_editor_renders_in_headless_chromium_offline(local_api: str, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    run = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", local_api],
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    dom = run.stdout.decode("utf-8", errors="replace")
    assert 'class="graphiql-container"' in dom, dom[:2000]
    assert "CodeMirror" in dom and "graphiql-editor" in dom  # the query editor itself


def test_tokens_print_the_real_port(local_stack: tuple[str, Path]) -> None:
    url, folder = local_stack
    port = url.split(":")[2].split("/")[0]
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    run = subprocess.run(
        [sys.executable, "-m", "infra.local_stack", "--data", str(folder), "tokens", "--hours", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert re.findall(r"http://127\.0\.0\.1:(\d+)/graphql", run.stdout) == [port]
    token = re.search(r"TOKEN='([^']+)'", run.stdout)
    assert token is not None
    request = urllib.request.Request(
        url,
        data=b'{"query": "{ me { subject } }"}',
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token.group(1)}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert b'"subject"' in response.read()  # the printed example works as printed


def test_a_pdf_too_large_for_post_verify_is_verified_through_the_local_upload(local_api: str) -> None:
    """`scripts/dev`'s server: the presigned-upload path of certificate verification works over
    real HTTP, the form POSTed to the local stand-in for the S3 bucket."""
    import json

    import requests

    from tests.signing_bombs import signature_field_bomb

    bomb = signature_field_bomb(fields=20_000, target_bytes=6 * 1024 * 1024)  # over POST /verify's 4 MiB
    base = local_api.rsplit("/graphql", 1)[0]
    direct = requests.post(f"{base}/verify", data=bomb, headers={"Content-Type": "application/pdf"}, timeout=30)
    assert direct.status_code == 413 and direct.json()["error"]["code"] == "USE_PRESIGNED_UPLOAD"

    def gql(query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
        response = requests.post(local_api, json={"query": query, "variables": variables or {}}, timeout=30)
        body: dict[str, object] = response.json()
        return body

    created = gql(
        "mutation { certificateVerificationUploadCreate { upload { uploadId url fields { name value } } "
        "userErrors { code } } }"
    )
    target = created["data"]["certificateVerificationUploadCreate"]["upload"]  # type: ignore[index]
    fields = {f["name"]: f["value"] for f in target["fields"]}
    posted = requests.post(target["url"], data=fields, files={"file": ("c.pdf", bomb)}, timeout=30)
    assert posted.status_code == 204, posted.text
    verified = gql(
        "mutation($input: CertificateVerificationUploadVerifyInput!) { certificateVerificationUploadVerify("
        "input: $input) { verification { valid report { indication findings { code } } } userErrors { code } } }",
        {"input": {"uploadId": target["uploadId"]}},
    )
    payload = verified["data"]["certificateVerificationUploadVerify"]  # type: ignore[index]
    assert payload["userErrors"] == [], json.dumps(verified)
    assert payload["verification"]["valid"] is False
    assert payload["verification"]["report"]["findings"][0]["code"] == "PDF_TOO_COMPLEX"
