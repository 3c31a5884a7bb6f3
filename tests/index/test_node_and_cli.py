"""`athar node` behaviour on the session's real node, and the search/person/index commands end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from athar.errors import ConfigurationError, ToolMissingError
from athar.settings import Settings, load_settings
from cli.main import main
from index import node
from index.load import load
from tests.index.records import document, person


def test_start_is_idempotent_and_status_reports_health(search_node: tuple[str, Path | None]) -> None:
    url, node_dir = search_node
    if node_dir is None:
        pytest.skip("external cluster: no embedded node to manage")
    port = int(url.rsplit(":", 1)[1])
    again = node.start(load_settings(), node_dir=node_dir, port=port)
    assert again.already_running and again.url == url and again.health in ("green", "yellow")
    status = node.status(load_settings(), node_dir=node_dir)
    assert status.running and status.pid == again.pid


def test_port_taken_by_another_program_is_refused(
    search_node: tuple[str, Path | None], tmp_path: Path
) -> None:
    url, node_dir = search_node
    if node_dir is None:
        pytest.skip("external cluster: no embedded node to manage")
    port = int(url.rsplit(":", 1)[1])
    with pytest.raises(ConfigurationError) as info:
        node.start(load_settings(), node_dir=tmp_path / "other", port=port)
    assert info.value.code == "port_in_use"
    assert not node.status(load_settings(), node_dir=tmp_path / "other").running
    assert not node.stop(load_settings(), node_dir=tmp_path / "other")


def test_unbuilt_node_says_run_make(tmp_path: Path) -> None:
    with pytest.raises(ToolMissingError) as info:
        node.classpath(tmp_path)
    assert "make" in info.value.message


@pytest.fixture(scope="module")
def cli_env(client: Any, settings: Settings, monkeypatch_module: pytest.MonkeyPatch) -> Settings:
    text = "الموقوف سامر نزار قباني والدته سلمى تولد دوما ١٩٩١ سجن عدرا المركزي"
    doc = document(
        "cli",
        [text],
        persons=(person("سامر نزار قباني", mother="سلمى", born="1991", place="دوما", start=8),),
    )
    assert load(client, settings, [doc], refresh=True).ok
    monkeypatch_module.setenv("ATHAR_SEARCH_URL", settings.search_url)
    monkeypatch_module.setenv("ATHAR_INDEX_PREFIX", settings.index_prefix)
    return settings


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def test_search_command(cli_env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "عدرا", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 1 and out["hits"][0]["source"] == "cli.pdf"
    assert any("«عدرا»" in s for s in out["hits"][0]["snippets"])
    assert main(["search", "عدرا"]) == 0
    text = capsys.readouterr().out
    assert "1 matching pages" in text and "cli.pdf  page 1" in text
    assert main(["search", "عدرا", "--from", "not-a-date"]) == 2
    assert "[bad_date]" in capsys.readouterr().err


def test_person_command_json_shape(cli_env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["person", "--name", "Samer Nizar Kabbani", "--mother", "Salma", "--born", "1990", "--json"])
        == 0
    )
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits[0]["name"] == "سامر نزار قباني"
    assert set(hits[0]) == {
        "name",
        "mother",
        "birth_date",
        "birth_place",
        "sha256",
        "source",
        "page",
        "score",
        "why",
    }
    assert "birth year ±1" in hits[0]["why"] and "mother's name (spelling variant)" in hits[0]["why"]
    assert main(["person", "--name", "سامر قبانى"]) == 0
    assert "why: " in capsys.readouterr().out


def test_index_migrate_command(cli_env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "migrate", "--kind", "persons", "--json"]) == 0
    (migration,) = json.loads(capsys.readouterr().out)["migrations"]
    assert migration["new_index"].endswith("persons-v2") and migration["documents"] == 1
    assert main(["person", "--name", "سامر نزار قباني", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["mother"] == "سلمى"


def test_ingest_command_makes_a_scan_searchable(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real OCR (Tesseract) and NLP on one sample page, then searchable by the place it names."""
    monkeypatch.setenv("ATHAR_DATA_DIR", str(tmp_path))
    sample = Path(__file__).resolve().parents[2] / "samples" / "register-page.png"
    assert main(["ingest", str(sample), str(tmp_path / "missing.pdf"), "--json"]) == 2
    captured = capsys.readouterr()
    assert "[unreadable_path]" in captured.err and not captured.out  # checked before any OCR starts
    assert main(["ingest", str(sample), "--json"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["status"] == "indexed" and line["pages"] == 1 and line["persons"] >= 3
    assert main(["search", "صيدنايا", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert any(h["sha256"] == line["sha256"] for h in hits)
