"""`python -m claimwatch_extract worker`: the Faust worker."""

from __future__ import annotations

from claimwatch_extract import agents  # noqa: F401  # registers the agent with the app
from claimwatch_extract.app import app


def main() -> None:
    app.main()


if __name__ == "__main__":
    main()
