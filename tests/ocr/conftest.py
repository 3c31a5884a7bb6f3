"""Shared fixtures for OCR tests: real Tesseract, generated pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from athar.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return load_settings().with_(data_dir=tmp_path / "var", jobs=2)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`athar ...` in a subprocess, as a user would run it."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=300,
    )
