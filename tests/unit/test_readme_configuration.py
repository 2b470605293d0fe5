"""Every setting a service reads is documented in the README's configuration table."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from claimwatch.stack import StackSettings
from claimwatch_alert.settings import AlertSettings
from claimwatch_extract.settings import ExtractSettings
from claimwatch_ingest.settings import IngestSettings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("settings", [StackSettings, IngestSettings, ExtractSettings, AlertSettings])
def test_every_setting_has_a_row_in_the_readme(settings: type[BaseSettings]) -> None:
    missing = [
        f"CLAIMWATCH_{name.upper()}"
        for name in settings.model_fields
        if f"| `CLAIMWATCH_{name.upper()}` |" not in README
    ]
    assert missing == []
