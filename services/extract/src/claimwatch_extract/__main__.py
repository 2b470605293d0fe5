"""`python -m claimwatch_extract worker`: the Faust worker."""

from __future__ import annotations

from claimwatch_extract import agents, health  # noqa: F401  # register the agent, timer and page
from claimwatch_extract.app import app


def main() -> None:
    app.main()


if __name__ == "__main__":
    main()
