"""`python -m claimwatch_extract worker`: the Faust worker."""

from __future__ import annotations

import asyncio

import uvloop

from claimwatch_extract import agents, health  # noqa: F401  # register the agent, timer and page
from claimwatch_extract.app import app
from claimwatch_schemas.runtime import tune_garbage_collector


def main() -> None:
    # Faust's loop (created when the worker starts) comes from this policy: uvloop's, in C.
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    tune_garbage_collector()
    app.main()


if __name__ == "__main__":
    main()
