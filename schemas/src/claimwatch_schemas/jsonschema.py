"""Writes the JSON Schema files of the event models into schemas/json/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from claimwatch_schemas.models import Alert, Article, Claim, Figure

MODELS: tuple[type[BaseModel], ...] = (Article, Claim, Figure, Alert)
JSON_DIR = Path(__file__).resolve().parents[2] / "json"


def render(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def expected_files() -> dict[str, str]:
    return {f"{model.__name__.lower()}.schema.json": render(model) for model in MODELS}


def main() -> int:
    JSON_DIR.mkdir(exist_ok=True)
    for name, content in expected_files().items():
        (JSON_DIR / name).write_text(content, encoding="utf-8")
        print(f"wrote {JSON_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
