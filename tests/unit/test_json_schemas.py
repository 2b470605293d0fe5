"""The committed JSON Schema files are what the models generate."""

from __future__ import annotations

from claimwatch_schemas.jsonschema import JSON_DIR, expected_files


def test_committed_json_schemas_match_the_models() -> None:
    for name, content in expected_files().items():
        path = JSON_DIR / name
        assert path.exists(), f"{path} missing: run python -m claimwatch_schemas.jsonschema"
        assert path.read_text(encoding="utf-8") == content, f"{path} is stale: regenerate it"
