"""Runs the services as child processes, each output line prefixed with its service's name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO

from claimwatch.embedded import die_with_parent

SERVICE_COMMANDS: dict[str, list[str]] = {
    "ingest": [sys.executable, "-m", "claimwatch_ingest"],
    "extract": [sys.executable, "-m", "claimwatch_extract", "worker", "--loglevel", "info"],
    "alert": [sys.executable, "-m", "claimwatch_alert"],
}

_print_lock = threading.Lock()


def _pump(name: str, stream: IO[bytes], out: IO[str]) -> None:
    width = max(len(n) for n in SERVICE_COMMANDS)
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip()
        with _print_lock:
            print(f"{name:<{width}} | {line}", file=out, flush=True)
    stream.close()


@dataclass
class Supervisor:
    """Starts services, prefixes their output, and stops them all, children first, on request."""

    env: Mapping[str, str]
    out: IO[str] = field(default_factory=lambda: sys.stderr)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self, name: str, command: list[str] | None = None) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            command or SERVICE_COMMANDS[name],
            env=dict(self.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        assert process.stdout is not None
        thread = threading.Thread(target=_pump, args=(name, process.stdout, self.out), daemon=True)
        thread.start()
        self._threads.append(thread)
        self.processes[name] = process
        return process

    def exited(self) -> dict[str, int]:
        """Services that have stopped by themselves, with their exit codes."""
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def stop(self, timeout: float = 15.0) -> dict[str, int]:
        """SIGTERM to all, SIGKILL to what is still running after `timeout`; the exit codes."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for thread in self._threads:
            thread.join(timeout=2)
        codes = {name: process.returncode for name, process in self.processes.items()}
        self.processes.clear()
        self._threads.clear()
        return codes
