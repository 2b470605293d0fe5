"""`claimwatch up`: starts the embedded stack and the services; stopping it leaves no process behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from claimwatch.embedded import free_port, port_is_open


class Up:
    """`claimwatch up` as a child process on the given ports; its output collected as it comes."""

    def __init__(self, tmp_path: Path, ports: dict[str, int]) -> None:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("CLAIMWATCH_KAFKA_BOOTSTRAP", "CLAIMWATCH_REDIS_URL")
        }
        env.update(
            {
                "TMPDIR": str(tmp_path),
                "CLAIMWATCH_EMBEDDED_KAFKA_PORT": str(ports["kafka"]),
                "CLAIMWATCH_EMBEDDED_REDIS_PORT": str(ports["redis"]),
                "CLAIMWATCH_INGEST_PORT": str(ports["ingest"]),
                "CLAIMWATCH_ALERT_PORT": str(ports["alert"]),
                "CLAIMWATCH_EXTRACT_WEB_PORT": str(ports["web"]),
            }
        )
        self.ports = ports
        self.process = subprocess.Popen(
            [sys.executable, "-m", "claimwatch.cli", "up"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_for(self, text: str, within: float = 90.0) -> None:
        deadline = time.monotonic() + within
        while text not in self.output:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"never printed {text!r}:\n{self.output}")
            time.sleep(0.1)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self, within: float = 60.0) -> tuple[int, str]:
        """Exit code and whole output once it has exited."""
        try:
            code = self.process.wait(timeout=within)
        finally:
            if self.process.poll() is None:
                self.kill()
        self._reader.join(timeout=10)
        return code, self.output

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def new_ports() -> dict[str, int]:
    return {name: free_port() for name in ("kafka", "redis", "ingest", "alert", "web")}


def start_up(tmp_path: Path) -> Up:
    """`claimwatch up` on free ports, returned once it said it is up."""
    up = Up(tmp_path, new_ports())
    up.wait_for("Ctrl-C stops everything.")
    return up


def open_ports(ports: dict[str, int]) -> dict[str, bool]:
    return {name: port_is_open("127.0.0.1", port) for name, port in ports.items()}


def wait_closed(ports: dict[str, int], within: float = 30.0) -> dict[str, bool]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(open_ports(ports).values()):
        time.sleep(0.2)
    return open_ports(ports)


def test_up_serves_and_sigterm_stops_everything(tmp_path: Path) -> None:
    up = start_up(tmp_path)
    ports = up.ports
    try:
        assert {
            name: httpx.get(f"http://127.0.0.1:{ports[name]}/healthz").status_code
            for name in ("ingest", "alert")
        } == {
            "ingest": 200,
            "alert": 200,
        }
        assert open_ports({name: ports[name] for name in ("kafka", "redis")}) == {
            "kafka": True,
            "redis": True,
        }
    finally:
        up.signal(signal.SIGTERM)
        code, output = up.finish()
    assert code == 0, output
    assert f"kafka   127.0.0.1:{ports['kafka']}" in output
    assert f"ingest  http://127.0.0.1:{ports['ingest']}" in output
    assert "claimwatch stopped." in output
    assert open_ports(ports) == dict.fromkeys(ports, False)
    assert list(tmp_path.iterdir()) == []


def test_a_killed_up_takes_its_children_with_it(tmp_path: Path) -> None:
    up = start_up(tmp_path)
    up.kill()
    assert wait_closed(up.ports) == dict.fromkeys(up.ports, False)


def test_repeated_sigterms_still_stop_everything_cleanly(tmp_path: Path) -> None:
    up = start_up(tmp_path)
    for _ in range(3):
        up.signal(signal.SIGTERM)
        time.sleep(0.05)
    code, output = up.finish()
    assert code == 0, output
    assert "claimwatch stopped." in output
    assert wait_closed(up.ports) == dict.fromkeys(up.ports, False)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_during_start_stops_what_was_started(tmp_path: Path) -> None:
    up = Up(tmp_path, new_ports())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not port_is_open("127.0.0.1", up.ports["kafka"]):
        time.sleep(0.05)
    up.signal(signal.SIGTERM)
    code, output = up.finish()
    assert code == 0, output
    assert "claimwatch is up" not in output
    assert wait_closed(up.ports) == dict.fromkeys(up.ports, False)
    assert list(tmp_path.iterdir()) == []


def test_up_refuses_ports_in_use_and_names_them(tmp_path: Path) -> None:
    ports = new_ports()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", ports["ingest"]))
        blocker.listen()
        code, output = Up(tmp_path, ports).finish()
    assert code == 1
    assert f"ports in use: ingest {ports['ingest']}" in output
    assert list(tmp_path.iterdir()) == []
