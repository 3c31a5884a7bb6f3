"""`athar analyze`: JSON on stdout, clear one-line errors for bad input."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from cli.main import main

TEXT = "المدعو خالد يوسف العلي والدته مريم تولد حماة ١٩٧٩ أوقف بتاريخ ١٢ آذار ٢٠١٣ في الفرع ٢١٥"


def test_analyze_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["analyze", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"entities", "persons", "doc_type"}
    types = [e["type"] for e in out["entities"]]
    # the mother's name is a person named in running text: the tagger's (source "crf")
    assert types == ["PERSON", "PERSON", "LOCATION", "DATE", "DATE", "FACILITY"]
    assert [e["source"] for e in out["entities"]][:2] == ["rules", "crf"]
    for e in out["entities"]:
        assert set(e) >= {"type", "text", "start", "end", "value"}
        assert TEXT[e["start"] : e["end"]] == e["text"]
    (person,) = out["persons"]
    assert person["name"] == "خالد يوسف العلي" and person["mother"] == "مريم"
    assert person["events"] == [{"type": "detention", "date": "2013-03-12", "place": "facility:branch_215"}]
    assert person["name_keys"]["skeleton"] == "kld sf l"


def test_analyze_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8"))))
    assert main(["analyze", "-", "--compact"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and json.loads(out)["persons"][0]["birth_date"] == "1979"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xff\xfe\x00\x01not utf8", "unsupported_type"),
        (b"", "empty_file"),
        (b"abc\x00def", "unsupported_type"),
    ],
)
def test_bad_input_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, code: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"[{code}]" in err and "Traceback" not in err and err.count("\n") == 1


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "/nonexistent/page.txt"]) == 2
    assert "[unreadable_path]" in capsys.readouterr().err
