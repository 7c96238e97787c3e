"""``python -m signing`` through a real subprocess: exit codes, JSON, text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Pki

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "signing", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, sealed_pdf: bytes, sample_pdf: bytes) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cli")
    paths = {
        "sealed": d / "sealed.pdf",
        "tampered": d / "tampered.pdf",
        "plain": d / "plain.pdf",
        "junk": d / "junk.txt",
    }
    paths["sealed"].write_bytes(sealed_pdf)
    paths["tampered"].write_bytes(sealed_pdf.replace(b"Approval decision", b"Approval decisioN"))
    paths["plain"].write_bytes(sample_pdf)
    paths["junk"].write_text("not a certificate")
    return paths


def test_verify_passed_text(files: dict[str, Path], pki: Pki) -> None:
    result = run("verify", str(files["sealed"]), "--trust", str(pki.dev.ca_cert))
    assert result.returncode == 0, result.stderr
    assert "通过 PASSED" in result.stdout
    assert "SEAL_VALID" in result.stdout and "The seal is valid" in result.stdout


def test_verify_json(files: dict[str, Path], pki: Pki) -> None:
    result = run("verify", str(files["sealed"]), "--trust", str(pki.dev.ca_cert), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["indication"] == "PASSED" and data["pades_level"] == "B-B"
    assert data["identity"]["chains_to_trust_anchor"] is True
    assert data["findings"][0]["code"] == "SEAL_VALID"
    assert data["findings"][0]["zh"] and data["findings"][0]["en"]


def test_verify_failed_exit_2(files: dict[str, Path], pki: Pki) -> None:
    result = run("verify", str(files["tampered"]), "--trust", str(pki.dev.ca_cert), "--json")
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert data["sub_indication"] == "HASH_FAILURE"
    assert run("verify", str(files["plain"]), "--trust", str(pki.dev.ca_cert)).returncode == 2


def test_verify_indeterminate_exit_1(files: dict[str, Path], pki: Pki, tmp_path: Path) -> None:
    rogue_ca = tmp_path / "rogue-ca.pem"
    rogue_ca.write_bytes(pki.rogue_ca_pem)
    result = run("verify", str(files["sealed"]), "--trust", str(rogue_ca))
    assert result.returncode == 1
    assert "CHAIN_NOT_TRUSTED" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["verify"],
        ["verify", "missing.pdf", "--trust", "missing.pem"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_3(args: list[str]) -> None:
    assert run(*args).returncode == 3


def test_bad_trust_file_exit_3(files: dict[str, Path]) -> None:
    result = run("verify", str(files["sealed"]), "--trust", str(files["junk"]))
    assert result.returncode == 3


def test_devpki_and_seal_commands(tmp_path: Path, sample_pdf: bytes) -> None:
    out = tmp_path / "pki"
    first = run("devpki", str(out))
    assert first.returncode == 0 and "created" in first.stdout
    second = run("devpki", str(out))
    assert second.returncode == 0 and "already present" in second.stdout
    src = tmp_path / "in.pdf"
    src.write_bytes(sample_pdf)
    dst = tmp_path / "out.pdf"
    sealed = run(
        "seal",
        str(src),
        str(dst),
        "--key",
        str(out / "seal-key.pem"),
        "--cert",
        str(out / "seal-cert.pem"),
        "--chain",
        str(out / "ca.pem"),
    )
    assert sealed.returncode == 0, sealed.stderr
    verified = run("verify", str(dst), "--trust", str(out / "ca.pem"))
    assert verified.returncode == 0, verified.stdout
    bad = run("seal", str(src), str(dst), "--key", str(out / "ca.pem"), "--cert", str(out / "seal-cert.pem"))
    assert bad.returncode == 3


def test_import_signing_is_cheap() -> None:
    """The Lambda imports `signing` at cold start: no pyHanko, boto3 or fontTools."""
    code = (
        "import sys, signing; "
        "from signing import Sealer, SealAppearance, verify_pdf, LocalKeyBackend; "
        "heavy = [m for m in ('pyhanko', 'boto3', 'fontTools', 'asn1crypto') if m in sys.modules]; "
        "print(heavy)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
