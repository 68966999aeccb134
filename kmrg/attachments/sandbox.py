"""Extract one file's text in a child process under memory, CPU and wall-clock limits.

The extractors' own budgets bound the work a file can ask for; this bounds what a bug in a parser
can cost. The child sets its own resource limits before it reads the file (setting them from the
parent, with preexec_fn, is unsafe in a process with threads), writes the text as JSON on stdout
and says how it ended by its exit status. A child that runs out of memory or CPU, or out of time,
is simply gone: the parent only reads the outcome.

    python -m kmrg.attachments.sandbox KIND PATH MEMORY_BYTES CPU_SECONDS
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

EXIT_UNREADABLE = 3
EXIT_OVER_LIMITS = 4
_STDERR_KEPT = 500


@dataclass(frozen=True)
class Limits:
    """What one extraction may use: address space, CPU time, and time on the clock."""

    memory_bytes: int = 512 * 1024 * 1024
    cpu_seconds: int = 30
    wall_seconds: float = 60.0


@dataclass(frozen=True)
class Outcome:
    """How one extraction ended: its text, whether a limit cut it, or why it failed."""

    text: str = ""
    is_truncated: bool = False
    failure: str = ""

    @property
    def is_failed(self) -> bool:
        return bool(self.failure)


def run_sandboxed(path: Path, kind: str, limits: Limits) -> Outcome:
    """Extract the text of the stored file at `path` in a child process; never raises for it."""
    command = [
        sys.executable,
        "-m",
        __name__,
        str(kind),
        str(path),
        str(limits.memory_bytes),
        str(limits.cpu_seconds),
    ]
    try:
        child = subprocess.run(  # noqa: S603 (our own interpreter and module, no shell)
            command,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=limits.wall_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(failure=f"took longer than {limits.wall_seconds:g} s")
    if child.returncode == 0:
        try:
            result = json.loads(child.stdout)
            return Outcome(str(result["text"]), bool(result["truncated"]))
        except (ValueError, KeyError, TypeError):
            return Outcome(failure="the extractor's answer could not be read")
    detail = child.stderr.decode("utf-8", "replace").strip()[-_STDERR_KEPT:]
    if child.returncode == EXIT_UNREADABLE:
        return Outcome(failure=f"unreadable: {detail}")
    if child.returncode == EXIT_OVER_LIMITS or child.returncode < 0:
        # Negative: killed by a signal, SIGXCPU or SIGKILL at the CPU limit among them.
        return Outcome(failure=f"stopped by the limits (exit {child.returncode}) {detail}".strip())
    return Outcome(failure=f"the extractor failed (exit {child.returncode}): {detail}")


def _limit_this_process(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # SIGXCPU at the soft limit; the kernel's SIGKILL a second later if that is ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def main(arguments: list[str]) -> int:
    """Run one extraction as the child: limits first, then the file."""
    kind, path, memory_bytes, cpu_seconds = arguments
    # Everything the extractors load is loaded before the limits bite: they are for the file.
    import lxml.etree  # noqa: F401
    import pypdf  # noqa: F401

    from kmrg.attachments.extraction import read_text

    # pypdf logs a warning for every oddity of a damaged file, to stderr without a handler: a
    # hostile file could fill the parent's memory with them. The outcome says what matters.
    logging.disable(logging.CRITICAL)
    _limit_this_process(int(memory_bytes), int(cpu_seconds))
    try:
        extracted = read_text(Path(path).read_bytes(), kind)
        answer = json.dumps({"text": extracted.text, "truncated": extracted.is_truncated})
    except MemoryError:
        return EXIT_OVER_LIMITS
    except Exception as error:
        sys.stderr.write(f"{type(error).__name__}: {error}"[:_STDERR_KEPT])
        return EXIT_UNREADABLE
    sys.stdout.write(answer)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # os._exit: nothing left to clean up, and no interpreter teardown under the limits.
    os._exit(status)
