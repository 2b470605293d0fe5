"""`claimwatch up`'s stop request (Ctrl-C, SIGTERM) must end start-up wherever it arrives."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import pytest

from claimwatch.cli import StopRequestedError, _stop_requested, _StopFlag


@pytest.fixture
def stop_handler() -> Iterator[None]:
    saved = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGTERM, _stop_requested)
    signal.signal(signal.SIGINT, _stop_requested)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, saved[0])
        signal.signal(signal.SIGINT, saved[1])


async def _sigterm_inside_a_loop_callback() -> str:
    # The handler runs as soon as os.kill returns into Python code: inside the event loop's
    # callback wrapper, which logs and drops every exception but KeyboardInterrupt and SystemExit.
    asyncio.get_running_loop().call_soon(os.kill, os.getpid(), signal.SIGTERM)
    await asyncio.sleep(0.2)
    return "start-up went on"


def test_sigterm_during_an_asyncio_step_of_start_up_stops_it(stop_handler: None) -> None:
    # `up` creates the topics with asyncio.run; a SIGTERM landing there was once swallowed, and
    # `up` went on to start everything while ignoring further signals.
    with pytest.raises(StopRequestedError):
        asyncio.run(_sigterm_inside_a_loop_callback())
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN  # the stop is under way: no second one


class _Finalised:
    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs here, and Python drops its raise


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the dropped raise
def test_a_stop_request_swallowed_by_a_finaliser_is_still_seen(stop_handler: None) -> None:
    _StopFlag.requested = False
    _Finalised()  # garbage at once: __del__ runs, the handler raises inside it, the raise is lost
    assert _StopFlag.requested  # what `up` checks before it says it is up, and while it runs
