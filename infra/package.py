"""Build the deployment artefact of one stage, exactly as the README's "Deploying" section says:

    python -m infra.package --stage prod --out build/prod

1. installs the seal's CJK font into signing/fonts/ (shipped with the code);
2. writes the CloudFormation resources to merge (`infra.template`);
3. runs `chalice package` (SAM template `sam.json` + `deployment.zip`);
4. drops from the zip what the Lambda Python runtime already provides (boto3, botocore,
   s3transfer: pulled in by PynamoDB, about 30 MB) and compiled caches, so the zip stays far
   under Lambda's 50 MB direct-upload limit and 250 MB unzipped.

It prints the zipped and unzipped sizes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from infra.template import ROOT

# Provided by the Lambda runtime (python3.11 ships boto3/botocore/s3transfer): not shipped.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")


def _dropped(name: str) -> bool:
    top = name.split("/", 1)[0]
    package = top.split("-", 1)[0].lower() if top.endswith(".dist-info") else top
    return package in RUNTIME_PROVIDED or "/__pycache__/" in name or name.endswith(".pyc")


def slim(zip_path: Path) -> tuple[int, int]:
    """Rewrite the zip without what the runtime provides; returns (zipped, unzipped) bytes."""
    tmp = zip_path.with_suffix(".slim.zip")
    unzipped = 0
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if _dropped(info.filename):
                continue
            target.writestr(info, source.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
            unzipped += info.file_size
    tmp.replace(zip_path)
    return zip_path.stat().st_size, unzipped


def sizes(zip_path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(zip_path) as archive:
        return zip_path.stat().st_size, sum(i.file_size for i in archive.infolist())


def build(stage: str, out: Path) -> tuple[int, int]:
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "cn-north-1")}
    python = sys.executable
    subprocess.run([python, "-m", "signing", "install-font"], cwd=ROOT, check=True, env=env)
    merge = out.parent / f"merge-{stage}.json"
    subprocess.run(
        [python, "-m", "infra.template", "--stage", stage, "--out", str(merge)], cwd=ROOT, check=True, env=env
    )
    if out.exists():
        shutil.rmtree(out)
    chalice = str(Path(python).parent / "chalice")
    subprocess.run(
        [chalice, "package", "--stage", stage, "--merge-template", str(merge), str(out)],
        cwd=ROOT,
        check=True,
        env=env,
    )
    return slim(out / "deployment.zip")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    zipped, unzipped = build(args.stage, args.out.resolve())
    print(f"{args.out}/deployment.zip: {zipped / 2**20:.1f} MiB zipped, {unzipped / 2**20:.1f} MiB unzipped")
    print(f"{args.out}/sam.json: the template to package and deploy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
