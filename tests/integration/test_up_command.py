"""`claimwatch up`: starts the embedded stack and the services; SIGTERM leaves no process and no temp dir."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from claimwatch.embedded import free_port, port_is_open


def test_up_serves_and_sigterm_stops_everything(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("kafka", "redis", "ingest", "alert", "web")}
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
    process = subprocess.Popen(
        [sys.executable, "-m", "claimwatch.cli", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        healthy = False
        while time.monotonic() < deadline and process.poll() is None:
            try:
                healthy = all(
                    httpx.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=1).status_code == 200
                    for name in ("ingest", "alert")
                )
            except httpx.HTTPError:
                healthy = False
            if healthy:
                break
            time.sleep(0.3)
        assert healthy, "ingest and alert never both became healthy"
        assert {name: port_is_open("127.0.0.1", port) for name, port in ports.items() if name != "web"} == {
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
    assert {name: port_is_open("127.0.0.1", port) for name, port in ports.items()} == {
        "kafka": False,
        "redis": False,
        "ingest": False,
        "alert": False,
        "web": False,
    }
    assert list(tmp_path.iterdir()) == []
