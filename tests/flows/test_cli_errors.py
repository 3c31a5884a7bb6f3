"""The command line refuses bad input in one clear line, before any flow starts."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("wanted", ["f" * 64, "abc"])
def test_reprocess_of_an_unknown_document_is_one_line_without_a_flow(tmp_path: Path, wanted: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATHAR_")}
    env.update(ATHAR_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "cli", "reprocess", wanted],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "prefect" not in done.stderr.lower()  # no temporary server, no failed flow run
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("athar: error [unknown_document]")


def test_training_export_onto_a_file_is_one_line(tmp_path: Path) -> None:
    taken = tmp_path / "taken.csv"
    taken.write_text("keep me\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATHAR_")}
    env.update(ATHAR_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "cli", "export", "training", "--out", str(taken)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("athar: error [export_failed]")
    assert taken.read_text(encoding="utf-8") == "keep me\n"


def test_an_inbox_pointed_at_the_data_directory_is_refused_and_takes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    state = data / "athar.db"
    with sqlite3.connect(state) as db:
        db.execute("CREATE TABLE keep (note TEXT)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATHAR_")}
    env.update(ATHAR_DATA_DIR=str(data), ATHAR_INBOX=str(data), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "cli", "watch", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "athar: error [inbox_in_data_dir]" in done.stderr
    assert state.read_bytes().startswith(b"SQLite format 3")  # not moved to processed/, not taken in
    assert not (data / "processed").exists()
