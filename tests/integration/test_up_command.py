"""`claimwatch up`: starts the embedded stack and the services; stopping it leaves no process behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from claimwatch.embedded import free_port, port_is_open


def launch_up(tmp_path: Path, ports: dict[str, int]) -> subprocess.Popen[str]:
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
    return subprocess.Popen(
        [sys.executable, "-m", "claimwatch.cli", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def start_up(tmp_path: Path) -> tuple[subprocess.Popen[str], dict[str, int]]:
    """`claimwatch up` on free ports, returned once both HTTP APIs answer."""
    ports = {name: free_port() for name in ("kafka", "redis", "ingest", "alert", "web")}
    process = launch_up(tmp_path, ports)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if all(
                httpx.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=1).status_code == 200
                for name in ("ingest", "alert")
            ):
                return process, ports
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    output, _ = process.communicate()
    raise AssertionError(f"ingest and alert never both became healthy:\n{output}")


def open_ports(ports: dict[str, int]) -> dict[str, bool]:
    return {name: port_is_open("127.0.0.1", port) for name, port in ports.items()}


def test_up_serves_and_sigterm_stops_everything(tmp_path: Path) -> None:
    process, ports = start_up(tmp_path)
    try:
        assert open_ports({name: ports[name] for name in ("kafka", "redis", "ingest", "alert")}) == {
            "kafka": True,
            "redis": True,
            "ingest": True,
            "alert": True,
        }
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert f"kafka   127.0.0.1:{ports['kafka']}" in output
    assert f"ingest  http://127.0.0.1:{ports['ingest']}" in output
    assert "claimwatch stopped." in output
    assert open_ports(ports) == dict.fromkeys(ports, False)
    assert list(tmp_path.iterdir()) == []


def test_a_killed_up_takes_its_children_with_it(tmp_path: Path) -> None:
    process, ports = start_up(tmp_path)
    process.kill()
    process.communicate(timeout=10)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(open_ports(ports).values()):
        time.sleep(0.2)
    assert open_ports(ports) == dict.fromkeys(ports, False)


def wait_closed(ports: dict[str, int], within: float = 30.0) -> dict[str, bool]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(open_ports(ports).values()):
        time.sleep(0.2)
    return open_ports(ports)


def test_repeated_sigterms_still_stop_everything_cleanly(tmp_path: Path) -> None:
    process, ports = start_up(tmp_path)
    for _ in range(3):
        process.send_signal(signal.SIGTERM)
        time.sleep(0.05)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "claimwatch stopped." in output
    assert wait_closed(ports) == dict.fromkeys(ports, False)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_during_start_stops_what_was_started(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("kafka", "redis", "ingest", "alert", "web")}
    process = launch_up(tmp_path, ports)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not open_ports({"kafka": ports["kafka"]})["kafka"]:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "claimwatch is up" not in output
    assert wait_closed(ports) == dict.fromkeys(ports, False)
    assert list(tmp_path.iterdir()) == []


def test_up_refuses_ports_in_use_and_names_them(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("kafka", "redis", "ingest", "alert", "web")}
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", ports["ingest"]))
        blocker.listen()
        process = launch_up(tmp_path, ports)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"ports in use: ingest {ports['ingest']}" in output
    assert list(tmp_path.iterdir()) == []
