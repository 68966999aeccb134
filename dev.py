#!/usr/bin/env python3
"""Set up and run the Hub, or its tests, on a machine with nothing but Python 3.11+.

python3 dev.py run     create .venv, install, migrate, load demo content, serve on :5000
python3 dev.py test    create .venv, install with test tools, run the whole suite
                       (arguments after `test` go to pytest)
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_venv(extras: str = "") -> None:
    """Create the virtual environment once and install the Hub (editable) into it."""
    if sys.version_info < (3, 11):
        sys.exit("The Hub needs Python 3.11 or newer.")
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    marker = VENV / f".installed{extras or '-app'}"
    stamp = str((ROOT / "pyproject.toml").stat().st_mtime)
    if not marker.exists() or marker.read_text() != stamp:
        print("Installing the Hub and its dependencies …", flush=True)
        pip = [
            str(BIN / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "--editable", f".{extras}"], check=True, cwd=ROOT)
        marker.write_text(stamp)


def run() -> None:
    ensure_venv()
    # A developer's machine: e-mailed links point at this server, which answers to 127.0.0.1 and
    # localhost (production refuses to start without KMRG_BASE_URL).
    os.environ.setdefault("KMRG_ENV", "development")
    kmrg = str(BIN / "kmrg")
    subprocess.run([kmrg, "db", "upgrade"], check=True, cwd=ROOT)
    subprocess.run([kmrg, "demo"], check=True, cwd=ROOT)
    print("\nThe Hub is at http://127.0.0.1:5000  (Ctrl+C stops it)\n", flush=True)
    os.execv(kmrg, [kmrg, "run", "--host", "127.0.0.1", "--port", "5000"])


def test(pytest_args: list[str]) -> None:
    """Run pytest; the whole suite (no arguments) also runs under branch coverage with a floor."""
    ensure_venv("[test]")
    python = str(BIN / "python")
    if pytest_args:
        sys.exit(subprocess.run([python, "-m", "pytest", *pytest_args], cwd=ROOT).returncode)
    result = subprocess.run([python, "-m", "coverage", "run", "-m", "pytest"], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(result.returncode)
    # The floor in pyproject.toml ([tool.coverage.report] fail_under) only ever goes up.
    report = subprocess.run([python, "-m", "coverage", "report", "--skip-covered"], cwd=ROOT)
    sys.exit(report.returncode)


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        run()
    elif command == "test":
        test(rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
